from greenprompt.cli.app import main

main()
