from greenprompt.cli import main

main()
