import FrontdeskApp

FrontdeskCLI.main()
