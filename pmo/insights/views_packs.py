"""Board packs in one click (a meeting's pack as a PDF or a PowerPoint deck) and the page where
the PMO head keeps the organisation's PowerPoint template for them."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from pmo.core.generic import ObjectPage, ObjectView, call_service, finish, posted_version
from pmo.core.permissions import ensure_can
from pmo.governance.models import Meeting
from pmo.governance.selectors_boards import meeting_list
from pmo.insights.pack_files import pack_pdf, pack_pptx
from pmo.insights.packs import PLACEHOLDERS, PackRefused, board_pack
from pmo.insights.selectors import pack_template
from pmo.insights.services import pack_template_remove, pack_template_upload

KINDS = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
UPLOADED = "Board packs are made on {name} from now on."
REMOVED = "Board packs are made on the plain deck from now on."


class MeetingPackView(ObjectView):
    """A meeting's board pack as a file, from live data; a page saying why when it has none."""

    model = Meeting
    template_name = "insights/pack_refused.html"
    kind = "pdf"

    def get_queryset(self) -> Any:
        return meeting_list(user=self.request.user)

    def kind_label(self) -> str:
        return "meeting"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        meeting = self.get_object()
        try:
            pack = board_pack(user=request.user, meeting=meeting)
        except PackRefused as refused:
            return self.render_page(400, meeting=meeting, problem=str(refused))
        if self.kind == "pdf":
            body = pack_pdf(pack)
        else:
            template = pack_template()
            body = pack_pptx(pack, bytes(template.content) if template else None)
        response = HttpResponse(body, content_type=KINDS[self.kind])
        day = timezone.localdate(meeting.starts_at)
        name = f"{slugify(meeting.board.name)}-{day:%Y-%m-%d}-pack.{self.kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class TemplateForm(forms.Form):
    file = forms.FileField(
        label="PowerPoint template (.pptx)",
        help_text="Its slides come first in every pack, their {{ name }} placeholders filled in; "
        "the pack's own slides use its layouts.",
    )


class PackTemplateView(ObjectPage):
    """The organisation's template for board packs: everyone signed in sees which it is and may
    download it; the PMO head uploads another or goes back to the plain deck."""

    template_name = "insights/pack_template.html"

    def page(self, form: TemplateForm | None = None, status: int = 200, problem: str = "") -> HttpResponse:
        user = self.request.user
        can_change = user.has_perm("insights.add_packtemplate")
        return self.render_page(
            status,
            template=pack_template(),
            placeholders=PLACEHOLDERS,
            can_change=can_change,
            form=form or (TemplateForm() if can_change else None),
            problem=problem,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = pack_template()
        if "download" in request.GET and template is not None:
            response = HttpResponse(bytes(template.content), content_type=KINDS["pptx"])
            response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
            return response
        return self.page()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ensure_can(request.user, "insights.add_packtemplate", action="change the board packs' template")
        here = reverse("insights:pack_template")
        if "remove" in request.POST:
            template = pack_template()
            if template is None:
                return finish(request, REMOVED, here)
            version = posted_version(request)
            outcome = call_service(
                lambda: pack_template_remove(actor=request.user, template=template, expected_version=version)
            )
            if outcome.done:
                return finish(request, REMOVED, here)
            status = 409 if outcome.conflict else 400
            return self.page(status=status, problem=outcome.conflict or outcome.problem)
        form = TemplateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            outcome = call_service(
                lambda: pack_template_upload(actor=request.user, filename=upload.name, content=upload.read()),
                form,
            )
            if outcome.done:
                return finish(request, UPLOADED.format(name=upload.name), here)
        return self.page(form, status=400)


meeting_pack_pdf = MeetingPackView.as_view(kind="pdf")
meeting_pack_pptx = MeetingPackView.as_view(kind="pptx")
pack_template_page = PackTemplateView.as_view()
