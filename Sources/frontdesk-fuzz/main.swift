import FrontdeskFuzzing

FuzzCommand.main()
