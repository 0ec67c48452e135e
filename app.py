"""Entry point: `flask --app app …` finds `app`; `python app.py [--host H] [--port P]` serves it."""

from conference import create_app, main

app = create_app()

if __name__ == "__main__":
    main(app)
