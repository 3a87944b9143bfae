asyncio.run(main())  # Wrong: runs the program when the module is imported
