"""What the pages share: the settings of a scene and their URL form, widgets drawn from their
specs, the texts of every language, the lessons' scenes, the race view and the app's frame.
Pure where it can be: settings, texts and lessons import no Streamlit."""
