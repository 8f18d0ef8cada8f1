"""The pickers' Python rendering (core.forms.QuickSelect) keeps groups of options, as Django's template does."""

from core.forms import PeoplePicker


def test_a_picker_with_groups_renders_each_group_and_the_chosen_person():
    picker = PeoplePicker(
        choices=[
            ("", "Choose a person"),
            ("Staff", [("staff:1", "Ann Lee")]),
            ("Service users", [("service_user:2", "SU-1 · JB")]),
        ]
    )
    html = picker.render("person", "service_user:2", {"id": "id_person"})
    assert '<optgroup label="Staff">' in html and '<optgroup label="Service users">' in html
    assert '<option value="service_user:2" selected>SU-1 · JB</option>' in html
    assert "[(" not in html  # never the group's list as text
