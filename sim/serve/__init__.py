"""``wargame serve``: the facilitated-play web app (Solara pages and a JSON API over one game host)."""
