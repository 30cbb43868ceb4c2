"""The integration API (FastAPI) for channels and ERP: `wms-terminal api` serves it.

`app.create_app(database_url)` builds it; `auth.require(permission)` is the dependency every
route takes (Bearer key -> integration account, rate limit, permission); each area's routes are a
module in `routes/` exposing `router`, listed in `app.ROUTERS`. Routes call the same core services
as the screens and commands, never the tables directly. See docs/api.md.
"""
