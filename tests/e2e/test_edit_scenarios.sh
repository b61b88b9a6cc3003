# In the scenario list: + creates an empty scenario, R renames it (a used name is refused as
# it is typed), d removes it after asking.
. "$(dirname "$0")/lib.sh"

start
wait_for "scenarios)"
keys +
wait_for "New scenario"
expect "a scenario name must not be empty"
type_text "Workshop"
wait_for "Workshop_"
keys Enter
wait_for 'created scenario "Workshop"'
screen | grep -qE "^ +0 +0 +0  Workshop$" || fail "the new scenario should be listed, empty"
keys R
wait_for "Rename scenario"
expect "that is its name already"
keys C-u
type_text "Dedicated node per tenant"
wait_for 'a scenario named "Dedicated node per tenant" is already in the workspace'
keys C-u
type_text "Workshop 2"
wait_for "Workshop 2_"
keys Enter
wait_for 'renamed "Workshop" to "Workshop 2"'
keys Enter
wait_for "breakout | Workshop 2"
expect "hosts compromised 0 of 0"
keys q
wait_for "scenarios)"
keys d
wait_for 'Remove scenario "Workshop 2" and its undo history'
keys n
wait_gone "Remove scenario"
expect "Workshop 2"
keys d
wait_for "Remove scenario"
keys y
wait_for 'removed scenario "Workshop 2" and its history'
expect_not "  Workshop 2"
quit_all
echo "PASS"
