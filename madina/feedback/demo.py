"""Demonstration feedback: thirty invented messages of every type and status in the communes of
the Nador agglomeration (a few sensitive ones, addressed to organisations whose sensitive team is
the organisation's administrator), and two published "you said, we did" entries.

Everything is invented. Written through the services, by the coordinator of the coordinating
association and the portal, like the pages. Idempotent: the demo's feedback is recognised by its
message (decrypted: there are few), an entry by its French summary; nothing existing is changed.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import Membership, User
from madina.actors.models import Organisation
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.feedback import services
from madina.feedback.models import Feedback, SensitiveTeamMember, YouSaidWeDid
from madina.territory.models import Area

ACTOR = "coordinator@example.org"
F = Feedback
T, C, S = F.Type, F.Category, F.Status

# (type, category, commune, organisation key or None, status, sensitive kind or "", language,
#  channel, message)
ITEMS = [
    (
        T.QUESTION,
        C.HEALTH,
        core_demo.NADOR,
        "afsr",
        S.ANSWERED,
        "",
        "fr",
        "portal",
        "Est-ce que le centre de santé soigne les personnes sans papiers ?",
    ),
    (
        T.QUESTION,
        C.DOCUMENTS,
        core_demo.NADOR,
        None,
        S.CLOSED,
        "",
        "fr",
        "phone",
        "Comment déclarer la naissance de mon enfant né à l'hôpital ?",
    ),
    (
        T.QUESTION,
        C.EDUCATION,
        core_demo.BENI_ANSAR,
        "aeas",
        S.ACKNOWLEDGED,
        "",
        "ar",
        "portal",
        "هل يمكن لابني التسجيل في المدرسة بدون شهادة ميلاد؟",
    ),
    (
        T.QUESTION,
        C.LEGAL,
        core_demo.SELOUANE,
        None,
        S.RECEIVED,
        "",
        "en",
        "whatsapp",
        "Where can I get free legal advice about my residence card?",
    ),
    (
        T.QUESTION,
        C.WORK,
        core_demo.NADOR,
        "aoda",
        S.ASSIGNED,
        "",
        "fr",
        "in_person",
        "Y a-t-il des formations professionnelles ouvertes aux migrants ?",
    ),
    (
        T.QUESTION,
        C.SHELTER,
        core_demo.NADOR,
        None,
        S.ANSWERED,
        "",
        "en",
        "portal",
        "Is there a place for a mother and two children to sleep tonight?",
    ),
    (
        T.REQUEST,
        C.HEALTH,
        core_demo.NADOR,
        "afsr",
        S.CLOSED,
        "",
        "fr",
        "box",
        "Il faudrait une permanence le samedi au centre de santé.",
    ),
    (
        T.REQUEST,
        C.EDUCATION,
        core_demo.BENI_ANSAR,
        "aeas",
        S.ANSWERED,
        "",
        "ar",
        "portal",
        "نطلب دروس دعم في اللغة العربية للأطفال.",
    ),
    (
        T.REQUEST,
        C.QUALITY,
        core_demo.NADOR,
        None,
        S.ACKNOWLEDGED,
        "",
        "fr",
        "portal",
        "Les horaires affichés à la porte ne sont pas les bons.",
    ),
    (
        T.REQUEST,
        C.WORK,
        core_demo.ZEGHANGHANE,
        "aoda",
        S.RECEIVED,
        "",
        "fr",
        "phone",
        "Je voudrais de l'aide pour écrire un CV.",
    ),
    (
        T.REQUEST,
        C.OTHER,
        core_demo.AL_AAROUI,
        None,
        S.RECEIVED,
        "",
        "es",
        "portal",
        "Necesitamos información en español en la oficina.",
    ),
    (
        T.CONCERN,
        C.HEALTH,
        core_demo.SELOUANE,
        "afsr",
        S.ASSIGNED,
        "",
        "fr",
        "whatsapp",
        "La file d'attente est très longue, des malades attendent dehors.",
    ),
    (
        T.CONCERN,
        C.PROTECTION,
        core_demo.NADOR,
        None,
        S.ACKNOWLEDGED,
        "",
        "ar",
        "in_person",
        "أطفال صغار يبيتون في الشارع قرب المحطة.",
    ),
    (
        T.CONCERN,
        C.SHELTER,
        core_demo.BENI_ANSAR,
        "aafe",
        S.ANSWERED,
        "",
        "fr",
        "portal",
        "Le foyer n'a plus de couvertures et il fait froid la nuit.",
    ),
    (
        T.CONCERN,
        C.DOCUMENTS,
        core_demo.NADOR,
        None,
        S.CLOSED,
        "",
        "en",
        "portal",
        "People were told the office is closed for migrants; is that true?",
    ),
    (
        T.COMPLAINT,
        C.QUALITY,
        core_demo.NADOR,
        "afsr",
        S.CLOSED,
        "",
        "fr",
        "portal",
        "On m'a renvoyé trois fois sans me dire quel papier apporter.",
    ),
    (
        T.COMPLAINT,
        C.STAFF,
        core_demo.NADOR,
        "aeas",
        S.ASSIGNED,
        "",
        "fr",
        "phone",
        "L'agent d'accueil m'a parlé de façon méprisante.",
    ),
    (
        T.COMPLAINT,
        C.SHELTER,
        core_demo.SELOUANE,
        None,
        S.RECEIVED,
        "",
        "ar",
        "portal",
        "لم نحصل على المساعدة الموعودة منذ شهرين.",
    ),
    (
        T.COMPLAINT,
        C.EDUCATION,
        core_demo.BENI_ANSAR,
        "aeas",
        S.ANSWERED,
        "",
        "fr",
        "box",
        "Les enfants migrants sont assis au fond de la classe.",
    ),
    (
        T.PRAISE,
        C.HEALTH,
        core_demo.NADOR,
        "afsr",
        S.CLOSED,
        "",
        "fr",
        "portal",
        "Merci à l'équipe de la cellule de l'hôpital, très humaine.",
    ),
    (
        T.PRAISE,
        C.LEGAL,
        core_demo.NADOR,
        None,
        S.CLOSED,
        "",
        "en",
        "whatsapp",
        "Thank you for helping us with the papers for our son.",
    ),
    (
        T.PRAISE,
        C.EDUCATION,
        core_demo.BENI_ANSAR,
        "aeas",
        S.ACKNOWLEDGED,
        "",
        "ar",
        "in_person",
        "شكرا على الأنشطة الصيفية للأطفال.",
    ),
    (
        T.RUMOUR,
        C.DOCUMENTS,
        core_demo.NADOR,
        None,
        S.ANSWERED,
        "",
        "fr",
        "portal",
        "On dit que la régularisation va rouvrir le mois prochain.",
    ),
    (
        T.RUMOUR,
        C.HEALTH,
        core_demo.SELOUANE,
        "afsr",
        S.ACKNOWLEDGED,
        "",
        "fr",
        "phone",
        "Des gens disent que le vaccin est payant pour les étrangers.",
    ),
    (
        T.RUMOUR,
        C.WORK,
        core_demo.ZEGHANGHANE,
        None,
        S.RECEIVED,
        "",
        "en",
        "portal",
        "Someone says there are jobs in the fields if you pay a fee first.",
    ),
    (
        T.QUESTION,
        C.PROTECTION,
        core_demo.NADOR,
        "aafe",
        S.CLOSED,
        "",
        "fr",
        "portal",
        "Où peut aller une femme qui a peur de rentrer chez elle ?",
    ),
    # Sensitive: read only by the sensitive teams.
    (
        T.COMPLAINT,
        C.STAFF,
        core_demo.NADOR,
        "afsr",
        S.ASSIGNED,
        "misconduct",
        "fr",
        "portal",
        "Un employé demande de l'argent pour inscrire les gens sur la liste d'aide.",
    ),
    (
        T.COMPLAINT,
        C.PROTECTION,
        core_demo.BENI_ANSAR,
        "aeas",
        S.ACKNOWLEDGED,
        "sea",
        "en",
        "in_person",
        "A volunteer asks young women for favours in exchange for food.",
    ),
    (
        T.CONCERN,
        C.PROTECTION,
        core_demo.SELOUANE,
        None,
        S.RECEIVED,
        "safety",
        "ar",
        "phone",
        "رجل يهدد عائلة في الحي إذا تحدثت مع الجمعية.",
    ),
    (
        T.COMPLAINT,
        C.OTHER,
        core_demo.NADOR,
        None,
        S.RECEIVED,
        "fraud",
        "fr",
        "portal",
        "Des bons d'achat distribués sont revendus au marché.",
    ),
]

ANSWERS = {
    "fr": "Merci. Nous avons transmis votre message au service concerné, qui a répondu ainsi : "
    "les consultations sont ouvertes à tous, avec ou sans papiers.",
    "ar": "شكرا لكم. أحلنا رسالتكم على المصلحة المعنية، وسيتم التواصل مع الأسر هذا الأسبوع.",
    "en": "Thank you. We passed your message on; the service will be open to everyone.",
    "es": "Gracias. Hemos transmitido su mensaje al servicio correspondiente.",
}

ENTRIES = [
    {
        "category": C.HEALTH,
        "said_fr": "Beaucoup de personnes attendaient dehors, parfois malades, au centre de santé.",
        "said_ar": "كثير من الأشخاص كانوا ينتظرون في الخارج، وبعضهم مرضى، أمام المركز الصحي.",
        "said_en": "Many people, some of them ill, were waiting outside the health centre.",
        "said_es": "Muchas personas, algunas enfermas, esperaban fuera del centro de salud.",
        "did_fr": "Une salle d'attente a été ouverte et une permanence ajoutée le samedi matin.",
        "did_ar": "فُتحت قاعة انتظار وأُضيفت مداومة صباح يوم السبت.",
        "did_en": "A waiting room was opened and a Saturday morning session added.",
        "did_es": "Se abrió una sala de espera y se añadió una atención el sábado por la mañana.",
        "days_ago": 40,
    },
    {
        "category": C.DOCUMENTS,
        "said_fr": "On ne savait pas quels papiers apporter pour déclarer une naissance.",
        "said_ar": "لم يكن الناس يعرفون الوثائق المطلوبة للتصريح بالولادة.",
        "said_en": "People did not know which papers to bring to register a birth.",
        "said_es": "No se sabía qué papeles llevar para inscribir un nacimiento.",
        "did_fr": "Une fiche en quatre langues est affichée au bureau d'état civil et à l'hôpital.",
        "did_ar": "عُلّقت ورقة بأربع لغات في مكتب الحالة المدنية وفي المستشفى.",
        "did_en": "A sheet in four languages is posted at the civil registry and the hospital.",
        "did_es": "Hay una hoja en cuatro idiomas en el registro civil y en el hospital.",
        "days_ago": 12,
    },
]


def _organisations() -> dict[str, Organisation]:
    keys = {item[3] for item in ITEMS if item[3]}
    found = {}
    for spec in core_demo.ORGANISATIONS:
        if spec.key in keys:
            organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
            if organisation is None:
                raise DemoDataError(f"Demo organisation missing: {spec.name_fr}")
            found[spec.key] = organisation
    return found


def _admin_of(organisation: Organisation) -> User | None:
    membership = (
        Membership.objects.active()
        .filter(organisation=organisation, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def feedback_demo_load() -> int:
    """Create the demo feedback and entries that are missing; return how many were created."""
    actor = User.objects.filter(email__iexact=ACTOR).first()
    if actor is None:
        raise DemoDataError("The demo users are missing: load the core demo first.")
    codes = sorted({item[2] for item in ITEMS})
    areas = Area.objects.in_bulk(codes, field_name="code")
    if len(areas) != len(codes):
        raise DemoDataError("Areas missing (run load_areas first).")
    organisations = _organisations()
    known = {item.message for item in Feedback.objects.only("message")}
    created = 0

    # The sensitive teams: the coordinator for the coordination, each organisation's admin.
    if not SensitiveTeamMember.objects.filter(organisation=None, user=actor).exists():
        services.sensitive_team_add(actor=actor, organisation=None, user=actor)
    for organisation in organisations.values():
        admin = _admin_of(organisation)
        if (
            admin
            and not SensitiveTeamMember.objects.filter(
                organisation=organisation, user=admin
            ).exists()
        ):
            services.sensitive_team_add(actor=actor, organisation=organisation, user=admin)

    now = timezone.now()
    for index, (type_, category, code, key, status, kind, language, channel, message) in enumerate(
        ITEMS
    ):
        if message in known:
            continue
        organisation = organisations.get(key) if key else None
        data = {
            "organisation": organisation,
            "type": type_,
            "category": category,
            "commune": areas[code],
            "language": language,
            "message": message,
            "answer_by": F.AnswerBy.STATUS_PAGE,
            "contact": "",
            "is_sensitive": bool(kind),
        }
        if channel == F.Channel.PORTAL:
            feedback = services.feedback_submit(data=data)
            if kind:
                feedback.sensitive_kind = kind
                feedback.save(update_fields=["sensitive_kind"])
        else:
            feedback = services.feedback_create(
                actor=actor, data={**data, "channel": channel, "sensitive_kind": kind}
            )
        # Spread over the last year (a few a month), so that the public figures have months.
        received = now - datetime.timedelta(days=11 * (len(ITEMS) - index))
        Feedback.objects.filter(pk=feedback.pk).update(created_at=received)
        handler = actor
        if kind and organisation is not None:
            handler = _admin_of(organisation) or actor
        if status != S.RECEIVED:
            services.feedback_acknowledge(actor=handler, feedback=feedback)
        if status == S.ASSIGNED:
            services.feedback_assign(actor=handler, feedback=feedback, assignee=handler)
        if status in (S.ANSWERED, S.CLOSED):
            services.feedback_answer(
                actor=handler,
                feedback=feedback,
                response=ANSWERS.get(language, ANSWERS["fr"]),
                channel=F.ResponseChannel.STATUS_PAGE,
            )
        if status == S.CLOSED:
            services.feedback_close(actor=handler, feedback=feedback)
        created += 1

    today = timezone.localdate()
    for spec in ENTRIES:
        if YouSaidWeDid.objects.filter(said_fr=spec["said_fr"]).exists():
            continue
        data = {k: v for k, v in spec.items() if k != "days_ago"}
        services.you_said_create(
            actor=actor,
            data={
                **data,
                "done_on": today - datetime.timedelta(days=spec["days_ago"]),
                "is_published": True,
            },
        )
        created += 1
    return created
