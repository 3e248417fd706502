"""Plain-Dutch pages without JavaScript for people without an account: the client's dossier and a handover.

They work on any phone, keep the token out of browser storage, and show what the API answers (the same
services, dumped by the same schemas).
The link token is in the URL, so these pages never send a Referer and are never cached or indexed.
"""
from datetime import datetime

from flask import Blueprint, redirect, render_template_string, request, url_for

from backend import vocab
from backend.api import get_clock, request_meta
from backend.db import get_session
from backend.errors import NotFound
from backend.timeutil import AMSTERDAM
from backend.visits import handovers, portal
from backend.visits.schemas import PortalSchema, SharedHandoverSchema

pages = Blueprint("visit_pages", __name__)

PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Frame-Options": "DENY",
}

LAYOUT = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{ title }} – Wijkspoed</title>
<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #ddd}
section,article{margin:1rem 0}.card{border:1px solid #ccc;border-radius:.5rem;padding:.75rem;margin:.75rem 0}
.wish{background:#fff4d6;border-color:#e0b400}.muted{color:#555}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
label,input,button{font-size:1rem}input{padding:.4rem;width:100%;max-width:20rem}
button{padding:.5rem 1rem;margin-top:.5rem}.ok{background:#e3f5e1;border-color:#2e7d32}
</style></head><body>{{ body|safe }}</body></html>"""

GONE = """<h1>Deze link werkt niet (meer)</h1>
<p>De link is onbekend, verlopen of ingetrokken. Vraag de wijkverpleegkundige of de zorgcoördinator om een nieuwe link.</p>"""

DOSSIER = """
<h1>Uw dossier bij het acute wijkteam</h1>
<p class="muted">Voor {{ d.link.recipient_name }} · link geldig tot {{ when(d.link.expires_at) }} · alleen lezen</p>
<section class="card"><strong>{{ d.client.name }}</strong>, geboren {{ d.client.birth_date }}<br>
{{ d.client.address }}, {{ d.client.postcode }} {{ d.client.city }}<br>
Huisarts: {{ d.client.gp_name or "niet bekend" }}</section>

<h2>Uw wensen en afspraken</h2>
{% set w = d.wishes %}
<section class="card wish">
{% if w.recorded %}
<p><strong>{{ w.resuscitation_label }}</strong> · <strong>{{ w.hospital_admission_label }}</strong></p>
{% if w.preferred_place_of_care %}<p>Waar u verzorgd wilt worden: {{ w.preferred_place_of_care }}</p>{% endif %}
{% if w.preferred_place_of_death %}<p>Waar u wilt sterven: {{ w.preferred_place_of_death }}</p>{% endif %}
{% if w.other_agreements %}<p>Andere afspraken: {{ w.other_agreements }}</p>{% endif %}
<p class="muted">Afgesproken met {{ w.agreed_with or "–" }}{% if w.agreed_on %} op {{ w.agreed_on }}{% endif %}</p>
{% else %}<p>Er zijn nog geen wensen vastgelegd. Bespreek ze gerust met de verpleegkundige of uw huisarts.</p>{% endif %}
{% for c in d.contacts %}<p>{{ c.name }}{% if c.relation %} ({{ c.relation }}){% endif %}: {{ c.involvement_label }}</p>{% endfor %}
</section>

<h2>Meldingen</h2>
{% for c in d.calls %}<article class="card"><strong>{{ when(c.created_at) }} – {{ c.category_label }}</strong>
<br>{{ c.complaint }}<br>Stand: {{ c.status_label }}{% if c.closing_note %}<br>{{ c.closing_note }}{% endif %}</article>
{% else %}<p>Geen meldingen.</p>{% endfor %}

<h2>Bezoeken</h2>
{% for v in d.visits %}<article class="card"><strong>Bezoek {{ when(v.arrived_at) }}</strong>
{% if v.outcome_label %} · {{ v.outcome_label }}{% endif %}
{% if v.referral_question %}<br>Vraag aan de volgende zorgverlener: {{ v.referral_question }}{% endif %}
{% if v.actions %}<br>Wat er is gedaan: {% for a in v.actions %}{{ a.action }}{% if not loop.last %}; {% endif %}{% endfor %}{% endif %}
{% if v.actions_note %}<br>{{ v.actions_note }}{% endif %}
{% for m in v.medication %}<br>Medicijn {{ m.name }}: {{ med(m.change) }}{% if m.dose %} ({{ m.dose }}){% endif %}{% endfor %}
{% for x in v.vitals %}<br>Metingen {{ when(x.measured_at) }}: bloeddruk {{ x.systolic_bp }}, hartslag {{ x.heart_rate }},
temperatuur {{ x.temperature }} °C, zuurstof {{ x.spo2 }}% · vroegsignaleringsscore {{ x.news2.score }} ({{ x.news2.band_label }}){% endfor %}
{% for n in v.notes %}<br><em>{{ when(n.recorded_at) }}:</em> {{ n.text }}{% endfor %}
</article>{% else %}<p>Geen bezoeken.</p>{% endfor %}

<h2>Overdrachten</h2>
{% for h in d.handovers %}<article class="card"><strong>{{ when(h.created_at) }} aan {{ h.recipient_name }}</strong>
({{ h.recipient_type_label }})<br>Situatie: {{ h.situation }}<br>Achtergrond: {{ h.background }}<br>
Beoordeling: {{ h.assessment }}<br>Advies: {{ h.recommendation }}<br>
{% if h.acknowledged_at %}Ontvangen door {{ h.acknowledged_by }} op {{ when(h.acknowledged_at) }}{% else %}Nog niet bevestigd{% endif %}
</article>{% else %}<p>Geen overdrachten.</p>{% endfor %}

<h2>Wie heeft uw dossier bekeken</h2>
<table><tr><th>Wanneer</th><th>Wie</th><th>Wat</th></tr>
{% for e in d.access_log %}<tr><td>{{ when(e.at) }}</td><td>{{ e.who }}{% if e.role_label %}, {{ e.role_label }}{% endif %}</td>
<td>{{ e.what }}{% if e.refused %} (geweigerd){% endif %}</td></tr>{% endfor %}</table>
"""

HANDOVER = """
<h1>Overdracht van het acute wijkteam</h1>
<p class="muted">Aan {{ h.recipient_name }} ({{ h.recipient_type_label }}) · van {{ h.author_name }}, {{ h.team }} ·
{{ when(h.created_at) }} · link geldig tot {{ when(h.expires_at) }}</p>
<section class="card"><strong>{{ h.client.name }}</strong>, geboren {{ h.client.birth_date }}{% if h.client.bsn %}, BSN {{ h.client.bsn }}{% endif %}<br>
{{ h.client.address }}, {{ h.client.postcode }} {{ h.client.city }} · huisarts {{ h.client.gp_name or "–" }}</section>
<section class="card wish"><strong>Behandelwensen:</strong> {{ h.wishes.resuscitation_label }} · {{ h.wishes.hospital_admission_label }}
{% if h.wishes.other_agreements %}<br>{{ h.wishes.other_agreements }}{% endif %}
{% for c in h.contacts %}<br>{{ c.name }}{% if c.relation %} ({{ c.relation }}){% endif %}{% if c.phone %}, {{ c.phone }}{% endif %}: {{ c.involvement_label }}{% if c.signal %}<br><strong>Let op: {{ c.signal }}</strong>{% endif %}{% endfor %}</section>
<h2>Situatie</h2><p>{{ h.situation }}</p><h2>Achtergrond</h2><p>{{ h.background }}</p>
<h2>Beoordeling</h2><p>{{ h.assessment }}</p><h2>Advies</h2><p>{{ h.recommendation }}</p>
{% if h.consult_advice %}<h2>Overleg met de arts</h2>{% for line in h.consult_advice %}<p>{{ line }}</p>{% endfor %}{% endif %}
{% if h.medication_changes %}<h2>Medicatiewijzigingen</h2>{% for m in h.medication_changes %}<p>{{ m.name }}: {{ med(m.change) }}{% if m.dose %} ({{ m.dose }}){% endif %}</p>{% endfor %}{% endif %}
{% if h.outcome_label %}<p><strong>Uitkomst:</strong> {{ h.outcome_label }}{% if h.referral_question %} · Vraagstelling: {{ h.referral_question }}{% endif %}</p>{% endif %}
{% if h.latest_vitals %}<p class="muted">Laatste metingen {{ when(h.latest_vitals.measured_at) }}: NEWS2 {{ h.latest_vitals.news2.score }} ({{ h.latest_vitals.news2.band_label }})</p>{% endif %}
{% if h.acknowledged_at %}<section class="card ok">Ontvangst bevestigd door {{ h.acknowledged_by }} op {{ when(h.acknowledged_at) }}.</section>
{% else %}<form method="post" action="{{ ack_url }}" class="card"><label for="name">Uw naam (ontvangst bevestigen)</label><br>
<input id="name" name="name" required maxlength="120" autocomplete="name"><br><button type="submit">Ontvangst bevestigen</button></form>{% endif %}
"""


def _when(value) -> str:
    """Show a timestamp in Dutch local time."""
    if not value:
        return "–"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def _page(title: str, body: str, status: int = 200, **context):
    html = render_template_string(body, when=_when, med=lambda c: vocab.dutch(vocab.MEDICATION_CHANGES, c),
                                  **context)
    return render_template_string(LAYOUT, title=title, body=html), status, PAGE_HEADERS


@pages.errorhandler(NotFound)
def link_gone(_error):
    """A link that is unknown, expired or revoked: one plain page, whichever page it was for."""
    return _page("Link werkt niet", GONE, 404)


@pages.get("/portaal/<string:token>")
def dossier_page(token: str):
    """The client's own record, read-only."""
    data = portal.dossier(get_session(), token=token, now=get_clock().now(), meta=request_meta())
    return _page("Uw dossier", DOSSIER, d=PortalSchema().dump(data))


@pages.get("/overdracht/<string:token>")
def handover_page(token: str):
    """A handover for its recipient, with the button to confirm receipt."""
    data = handovers.shared_view(get_session(), token=token, now=get_clock().now(), meta=request_meta())
    return _page("Overdracht", HANDOVER, h=SharedHandoverSchema().dump(data),
                 ack_url=url_for("visit_pages.acknowledge_page", token=token))


@pages.post("/overdracht/<string:token>/bevestigen")
def acknowledge_page(token: str):
    """Confirm receipt from the page's form, then show the handover again."""
    name = (request.form.get("name") or "").strip()
    if not name or len(name) > 120:
        return _page("Naam ontbreekt", "<h1>Vul uw naam in</h1><p>Ga terug en vul uw naam in (maximaal 120 tekens).</p>",
                     422)
    handovers.acknowledge(get_session(), token=token, name=name, now=get_clock().now(), meta=request_meta())
    return redirect(url_for("visit_pages.handover_page", token=token), 303)
