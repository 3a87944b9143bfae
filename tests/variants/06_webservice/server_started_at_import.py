# Wrong: as in the tutorial, the server starts when the module is imported.
web.run_app(make_app())
