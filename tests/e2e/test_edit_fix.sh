# In the fix plan, v previews the selected change on a copy ("closes 2 of 2 paths") without
# changing anything, F applies it as an edit, and u undoes it.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Hyper-V isolation with a writable .ssh mount"
wait_for "paths 2"
keys f
wait_for "FIX PLAN"
expect "> 1. guest-app: mount C:\\Users\\azureuser\\.ssh read-only"
keys v
wait_for "preview: guest-app: mount C:\\Users\\azureuser\\.ssh read-only closes 2 of 2 paths (0 left)"
expect "preview: closes 2 of 2 paths (0 left); hosts compromised 1 -> 0"
keys Escape
wait_for "paths 2" # the preview changed nothing
keys f
wait_for "FIX PLAN"
keys F
wait_for "fix: guest-app: mount C:\\Users\\azureuser\\.ssh read-only; 1 boundary now HOLDS; paths 2 -> 0"
expect "nothing to fix: no paths"
keys Escape
wait_for "paths 0"
expect "ro C:\\Users\\azureuser\\.ssh"
keys u
wait_for "undone: fix: guest-app: mount C:\\Users\\azureuser\\.ssh read-only"
expect "paths 2"
expect "rw C:\\Users\\azureuser\\.ssh"
quit_all
echo "PASS"
