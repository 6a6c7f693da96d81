"""Demonstration consultation: access to health services in the Nador agglomeration, asked in
Arabic, French, English and Spanish, with about 25 invented responses so that the results page
has something to show.

Written through the services (validation, audit trail) by the coordinator of the coordinating
association, like the pages. Idempotent: the consultation is found again by organisation and
French title; when it exists nothing is created or changed. The answers come from a fixed seed,
so every load gives the same figures. It opens on the day of loading minus 10 days and closes
20 days after loading, so that it is open on the portal.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from madina.accounts.models import User
from madina.actors.models import Organisation
from madina.consultations import services
from madina.consultations.models import Consultation, Group, Question, Response
from madina.core import demo as core_demo
from madina.core.demo import DemoDataError
from madina.territory.models import Area

ACTOR = "coordinator@example.org"
TITLE_FR = "Accès aux services de santé"
RESPONSES = 25
SEED = 7

TITLE = {
    "ar": "الولوج إلى الخدمات الصحية",
    "fr": TITLE_FR,
    "en": "Access to health services",
    "es": "Acceso a los servicios de salud",
}
DESCRIPTION = {
    "ar": "نريد أن نعرف كيف تصلون إلى العلاج في الناظور ونواحيها، وما الذي يعيق ذلك. "
    "أجوبتكم مجهولة الهوية وستساعد الجماعات والجمعيات على تحسين الاستقبال في المراكز الصحية.",
    "fr": "Nous voulons savoir comment vous accédez aux soins à Nador et alentour, et ce qui "
    "vous en empêche. Vos réponses sont anonymes et aideront les communes et les associations "
    "à améliorer l'accueil dans les centres de santé.",
    "en": "We want to know how you reach health care in and around Nador, and what stands in "
    "the way. Your answers are anonymous and will help the municipalities and associations "
    "improve the welcome in health centres.",
    "es": "Queremos saber cómo accede usted a la atención sanitaria en Nador y alrededores, y "
    "qué se lo impide. Sus respuestas son anónimas y ayudarán a los municipios y a las "
    "asociaciones a mejorar la acogida en los centros de salud.",
}

SUMMARY = {
    "ar": "شكرا لكل من أجاب حتى الآن. أكثر ما ذكرتموه: طول الانتظار في المراكز الصحية، وصعوبة "
    "الفهم حين لا يتحدث أحد لغتكم، والخوف من طلب الوثائق. ستخصص الجماعات والجمعيات وسطاء "
    "يتحدثون الفرنسية والإنجليزية في مركزين صحيين بالناظور وبني أنصار ابتداء من الشهر المقبل.",
    "fr": "Merci à toutes celles et ceux qui ont déjà répondu. Ce que vous dites le plus : "
    "l'attente dans les centres de santé, la difficulté à comprendre quand personne ne parle "
    "votre langue, et la peur qu'on vous demande des papiers. Les communes et les associations "
    "placeront des médiateurs parlant français et anglais dans deux centres de santé, à Nador et "
    "à Beni Ansar, à partir du mois prochain.",
    "en": "Thank you to everyone who has already answered. What you say most: the wait in health "
    "centres, the difficulty of understanding when nobody speaks your language, and the fear of "
    "being asked for papers. From next month, the municipalities and associations will place "
    "mediators who speak French and English in two health centres, in Nador and Beni Ansar.",
    "es": "Gracias a todas las personas que ya han respondido. Lo que más nos dicen: la espera en "
    "los centros de salud, la dificultad para entender cuando nadie habla su idioma y el miedo a "
    "que le pidan papeles. A partir del mes que viene, los municipios y las asociaciones "
    "pondrán mediadores que hablan francés e inglés en dos centros de salud, en Nador y Beni "
    "Ansar.",
}


def _t(ar: str, fr: str, en: str, es: str) -> dict[str, str]:
    return {"ar": ar, "fr": fr, "en": en, "es": es}


# (kind, required, text, options, condition as (question index, option index) or None)
QUESTIONS = [
    (
        Question.Kind.SINGLE,
        True,
        _t(
            "هل زرت مركزا صحيا خلال الأشهر الستة الأخيرة؟",
            "Êtes-vous allé dans un centre de santé ces six derniers mois ?",
            "Have you been to a health centre in the last six months?",
            "¿Ha ido a un centro de salud en los últimos seis meses?",
        ),
        [_t("نعم", "Oui", "Yes", "Sí"), _t("لا", "Non", "No", "No")],
        None,
    ),
    (
        Question.Kind.SCALE,
        False,
        _t(
            "كيف تقيّم الاستقبال الذي حظيت به؟",
            "Comment jugez-vous l'accueil que vous avez reçu ?",
            "How would you rate the welcome you received?",
            "¿Cómo valora la acogida que recibió?",
        ),
        [],
        (0, 0),
    ),
    (
        Question.Kind.MULTIPLE,
        False,
        _t(
            "ما الذي يصعّب عليك الولوج إلى العلاج؟",
            "Qu'est-ce qui rend l'accès aux soins difficile pour vous ?",
            "What makes it hard for you to get care?",
            "¿Qué le dificulta el acceso a la atención sanitaria?",
        ),
        [
            _t("اللغة", "La langue", "Language", "El idioma"),
            _t("الوثائق المطلوبة", "Les papiers demandés", "The papers asked for", "Los papeles"),
            _t("تكلفة الأدوية", "Le coût des médicaments", "The cost of medicines", "El coste"),
            _t("بعد المركز", "La distance", "Distance", "La distancia"),
            _t("الخوف", "La peur", "Fear", "El miedo"),
        ],
        None,
    ),
    (
        Question.Kind.RANKING,
        False,
        _t(
            "رتّب هذه التحسينات حسب أهميتها بالنسبة لك",
            "Classez ces améliorations selon leur importance pour vous",
            "Rank these improvements by how much they matter to you",
            "Ordene estas mejoras según su importancia para usted",
        ),
        [
            _t("مترجمون في المراكز", "Des interprètes", "Interpreters", "Intérpretes"),
            _t(
                "أدوية مجانية",
                "Des médicaments gratuits",
                "Free medicines",
                "Medicamentos gratuitos",
            ),
            _t("ساعات عمل أطول", "Des horaires plus longs", "Longer hours", "Horarios más amplios"),
        ],
        None,
    ),
    (
        Question.Kind.TEXT,
        False,
        _t(
            "هل لديك ما تضيفه؟",
            "Voulez-vous ajouter quelque chose ?",
            "Is there anything you would like to add?",
            "¿Quiere añadir algo?",
        ),
        [],
        None,
    ),
]

COMMENTS = [
    "On m'a demandé une carte de séjour à l'accueil.",
    "المركز بعيد ولا توجد حافلة.",
    "The nurse was kind but nobody spoke English.",
    "Necesitamos intérpretes de francés y de bambara.",
    "",
    "",
]


def _answers(consultation: Consultation, rng: random.Random) -> dict[str, list[str]]:
    questions = list(consultation.questions.prefetch_related("options"))
    options = [[str(o.pk) for o in q.options.all()] for q in questions]
    visited = rng.random() < 0.7
    answers = {services.answer_key(questions[0]): [options[0][0 if visited else 1]]}
    if visited:
        answers[services.answer_key(questions[1])] = [str(rng.choice([1, 2, 2, 3, 3, 4, 5]))]
    answers[services.answer_key(questions[2])] = rng.sample(options[2], rng.randint(1, 3))
    answers[services.answer_key(questions[3])] = rng.sample(options[3], len(options[3]))
    answers[services.answer_key(questions[4])] = [rng.choice(COMMENTS)]
    return answers


@transaction.atomic
def consultations_demo_load() -> int:
    """Create the demo consultation and its responses if missing; return how many responses."""
    actor = User.objects.filter(email__iexact=ACTOR).first()
    if actor is None:
        raise DemoDataError("The demo users are missing: load the core demo first.")
    spec = next(s for s in core_demo.ORGANISATIONS if s.key == core_demo.COORDINATING)
    organisation = Organisation.objects.filter(name_fr=spec.name_fr, type=spec.type).first()
    if organisation is None:
        raise DemoDataError(f"Demo organisation missing: {spec.name_fr}")
    if Consultation.objects.filter(organisation=organisation, title__fr=TITLE_FR).exists():
        return 0
    communes = list(Area.objects.filter(code__in=core_demo.NADOR_AGGLOMERATION))
    if not communes:
        raise DemoDataError("Areas missing (run load_areas first).")
    today = timezone.localdate()
    consultation = services.consultation_create(
        actor=actor,
        organisation=organisation,
        data={
            "title": TITLE,
            "description": DESCRIPTION,
            "opens_on": today - datetime.timedelta(days=10),
            "closes_on": today + datetime.timedelta(days=20),
            "anonymous": True,
            "communes": communes,
            "target_groups": [Group.MIGRANTS, Group.REFUGEES, Group.WOMEN],
        },
    )
    created = []
    for kind, required, text, options, condition in QUESTIONS:
        condition_option = None
        if condition is not None:
            asked = created[condition[0]]
            condition_option = list(asked.options.all())[condition[1]]
        created.append(
            services.question_save(
                actor=actor,
                consultation=consultation,
                data={
                    "kind": kind,
                    "required": required,
                    "text": text,
                    "order": None,
                    "condition": condition_option,
                },
                options=[{"id": None, "text": option} for option in options],
            )
        )
    services.consultation_publish(actor=actor, consultation=consultation)

    rng = random.Random(SEED)  # noqa: S311 - invented answers, not a secret
    languages = ["ar", "ar", "fr", "fr", "en", "es"]
    groups = [Group.MIGRANTS, Group.MIGRANTS, Group.REFUGEES, Group.WOMEN, ""]
    for number in range(RESPONSES):
        staff = number % 5 == 4
        services.response_submit(
            actor=actor if staff else None,
            consultation=consultation,
            channel=Response.Channel.PHONE if staff else Response.Channel.PORTAL,
            language=rng.choice(languages),
            answers=_answers(consultation, rng),
            commune=rng.choice(communes),
            group=rng.choice(groups),
        )
    # A first "what you told us", published while the consultation is still open.
    services.consultation_summary_save(
        actor=actor, consultation=consultation, summary=SUMMARY, publish=True
    )
    return RESPONSES
