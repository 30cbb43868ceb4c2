"""One module per area of the API, each exposing `router` (listed in `api.app.ROUTERS`)."""
