"""The staff page of a project's partner evaluations and their place on the public project page: a partner sees the
form for its own evaluation only, a reviewer publishes one, and the public page shows it beside the lead city's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: The seeded target project (消防指令業務…, conftest.TARGET_SLUG): 行橋市 is a partner, 芦屋町 is not.
TARGET_SLUG = "8a5d0d0ac6"


def test_a_partner_sees_its_own_form_and_the_others_evaluations(desk_factory: Callable[[], Any],
                                                                seeded: Any) -> None:
    desk = desk_factory()
    page = desk.as_user("yukuhashi").get(f"/staff/projects/{seeded.project_id}/partners?lang=ja")
    assert page.status_code == 200
    forms = page.text.count('name="municipality_code" value="402133"')
    assert forms == 1 and 'name="municipality_code" value="401005"' not in page.text  # its own form only
    assert "連携市町の評価" in page.text
    admin = desk.as_user("admin").get(f"/staff/projects/{seeded.project_id}/partners?lang=ja")
    # each partner's form; the lead city's evaluation is the project's own (事業評価)
    assert admin.text.count(f'action="/staff/projects/{seeded.project_id}/partners"') == 4
    assert 'name="municipality_code" value="401005"' not in admin.text
    assert desk.as_user("ashiya").get(f"/staff/projects/{seeded.project_id}/partners").status_code == 403


def test_a_published_partner_evaluation_shows_beside_the_lead_citys(desk_factory: Callable[[], Any],
                                                                    seeded: Any) -> None:
    desk = desk_factory()
    public = desk.as_user(None).get(f"/a/kitakyushu/projects/{TARGET_SLUG}?lang=ja")
    assert "連携市町による評価" not in public.text  # submitted, not yet approved: nothing public
    answer = desk.post("admin", f"/staff/projects/{seeded.project_id}/partners/review",
                       {"municipality_code": "402133", "year": "2025", "version": "1", "step": "approve"})
    assert answer.status_code == 303
    public = desk.as_user(None).get(f"/a/kitakyushu/projects/{TARGET_SLUG}?lang=ja")
    table = public.text.split('class="data partner-evaluations"', 1)[1].split("</table>", 1)[0]
    assert "連携市町による評価" in table and "行橋市" in table and "令和7年度" in table
    assert "<td>B 順調</td>" in table  # the grade in the area's scale (renkei's A-E here), then the reason


def test_the_projects_history_names_the_partner_evaluation(desk_factory: Callable[[], Any], seeded: Any) -> None:
    desk = desk_factory()
    history = desk.as_user("admin").get(f"/staff/projects/{seeded.project_id}/history?lang=ja").text
    assert "連携市町の評価・提出" in history and "partner_evaluation" not in history


def test_the_api_carries_approved_partner_evaluations_only(desk_factory: Callable[[], Any], seeded: Any) -> None:
    desk = desk_factory()
    url = f"/api/a/kitakyushu/projects/{TARGET_SLUG}"
    before = desk.as_user(None).get(url)
    assert before.status_code == 200 and before.json()["partner_evaluations"] == []  # submitted: not public
    answer = desk.post("admin", f"/staff/projects/{seeded.project_id}/partners/review",
                       {"municipality_code": "402133", "year": "2025", "version": "1", "step": "approve"})
    assert answer.status_code == 303
    (published,) = desk.as_user(None).get(url).json()["partner_evaluations"]
    assert {k: v for k, v in published.items() if k != "published_at"} == {
        "fiscal_year": 2025, "municipality_code": "402133", "municipality": "行橋市", "grade": "B",
        "grade_detail": {"key": "B", "label": "順調", "colour": published["grade_detail"]["colour"],
                         "unrated": False},
        "comment": "順調"}
    assert published["published_at"].startswith("20")
    english = desk.as_user(None).get(f"{url}?lang=en").json()["partner_evaluations"][0]
    assert english["grade_detail"]["label"] != "順調"  # the grade's word in the answer's language
