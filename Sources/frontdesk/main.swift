import FrontdeskApp
FrontdeskCLI.main()
