"""Web routes: one module per page area (home, projects, project, municipalities, municipality, map, kpis, api)."""
