"""Archives that hold exports (zip, nested zips): opened under caps, members read through an
injected format detector so this package never imports the registry."""
