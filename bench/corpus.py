"""A deterministic synthetic French corpus of N posts for the benchmark.

Same N, same seed: the same files, byte for byte, on every machine. Each post has about
800 words of coaching prose with headings, a list, a quote, and links to other posts (so
backlinks and related posts have work to do), and the punctuation French typography
acts on (« », ?, !, :, ;, apostrophes, ...).
"""

import datetime
import os
import random
import shutil

CATEGORIES = [
    "Journal intime",
    "Lancer son business",
    "Outils du coach",
    "Relation client",
    "Formation",
    "Lectures",
]

TAGS = [
    "écoute",
    "confiance",
    "clientes",
    "tarifs",
    "prospection",
    "rupture",
    "gratitude",
    "limites",
    "doute",
    "amitié",
    "supervision",
    "réseau",
    "LinkedIn",
    "organisation",
    "premier rendez-vous",
    "reconversion",
    "syndrome de l’imposteur",
    "questions puissantes",
    "feedback",
    "silence",
    "objectifs",
    "émotions",
    "contrat",
    "déontologie",
    "burn-out",
    "télétravail",
    "visio",
    "facturation",
    "statut",
    "micro-entreprise",
    "témoignage",
    "lecture",
    "formation",
    "certification",
    "intuition",
    "colère",
    "peur",
    "courage",
    "rituels",
    "bilan",
]

AUTHORS = ["Claire Dumas", "Julien Moreau"]

SUBJECTS = [
    "Ma cliente",
    "Une coachée",
    "Le client de mardi",
    "Ma superviseure",
    "Une amie",
    "La dirigeante que j'accompagne",
    "Mon premier client",
    "Une ancienne collègue",
    "Le manager d'une PME",
    "L'entrepreneuse",
    "Ma voisine de bureau",
    "Une jeune diplômée",
]
VERBS = [
    "m'a dit",
    "a enfin compris",
    "a longtemps cru",
    "se demandait",
    "m'a écrit",
    "a osé dire",
    "répète souvent",
    "a oublié",
    "m'a rappelé",
    "a découvert",
]
OBJECTS = [
    "qu'elle n'avait pas le droit de se tromper",
    "que le silence fait partie de la séance",
    "qu'on ne facture pas l'amitié",
    "que la confiance se construit séance après séance",
    "qu'un objectif flou donne un accompagnement flou",
    "que fixer ses tarifs est un acte de respect",
    "qu'il fallait parfois dire une vérité difficile",
    "que l'écoute n'est pas une technique",
    "qu'on peut finir un coaching par un simple SMS",
    "que le doute n'empêche pas d'avancer",
    "que ses émotions étaient une boussole",
    "qu'un contrat clair protège les deux parties",
]
ASIDES = [
    "Pourquoi est-ce si difficile ?",
    "Quelle surprise !",
    "Je l'avoue : j'ai hésité.",
    "Rien n'est simple ; tout se travaille.",
    "Et pourtant...",
    "Vraiment ?",
    "C'est là que tout a basculé !",
    "Elle a souri : « C'est exactement ça. »",
    "Il m'a répondu : « Je n'y avais jamais pensé. »",
    "Je me suis tue ; j'ai attendu.",
    "À 10h30, la séance était finie.",
    "Qu'aurais-je fait à sa place ?",
]
CONNECTORS = [
    "Ce jour-là,",
    "Au fond,",
    "Plus tard,",
    "Depuis,",
    "En réalité,",
    "Pendant la séance,",
    "Le lendemain,",
    "Avec le recul,",
    "Pour être honnête,",
    "Au début,",
]
HEADINGS = [
    "Ce que j'ai entendu",
    "Ce que j'ai appris",
    "Le moment où tout bascule",
    "Et maintenant ?",
    "Les signaux d'alerte",
    "Ce que je ferais autrement",
    "Une question à se poser",
    "Le point de vue de la cliente",
    "Mes trois règles",
    "Ce que dit la supervision",
]
TITLE_STARTS = [
    "Ce que m'a appris",
    "Retour sur",
    "Journal d'une séance :",
    "Ce qu'on ne dit pas sur",
    "Pourquoi je repense à",
    "Quelques mots sur",
    "Faut-il parler de",
    "Une semaine avec",
]
TITLE_ENDS = [
    "une cliente qui arrête par SMS",
    "une vérité difficile",
    "un SMS de remerciement",
    "mes clients difficiles",
    "une amie devenue cliente",
    "mes tarifs",
    "l'écoute sans conseil",
    "un long silence",
    "mon premier contrat",
    "la peur de mal faire",
    "ma supervision",
    "mes limites",
]
LIST_ITEMS = [
    "poser une question ouverte",
    "laisser un silence",
    "reformuler sans juger",
    "revenir à l'objectif",
    "noter ce qui a changé",
    "fixer la prochaine étape",
    "demander : « Qu'est-ce qui compte pour vous ? »",
    "accueillir l'émotion",
]
QUOTES = [
    "On ne peut rien apprendre aux gens ; on peut seulement les aider à le découvrir.",
    "Le plus grand cadeau que l'on puisse faire à quelqu'un, c'est de l'écouter vraiment !",
    "Ce n'est pas parce que les choses sont difficiles que nous n'osons pas...",
    "Qui suis-je pour dire à quelqu'un ce qui est bon pour lui ?",
]

FIRST_DATE = datetime.datetime(2024, 12, 31, 8, 0)  # the newest post; older ones go back a day each


def post_filename(index):
    return f"{index:05d}.md"


def post_title(index, rng):
    return f"{rng.choice(TITLE_STARTS)} {rng.choice(TITLE_ENDS)} (n° {index})"


def _sentence(rng):
    if rng.random() < 0.25:
        return rng.choice(ASIDES)
    subject = rng.choice(SUBJECTS)
    return f"{rng.choice(CONNECTORS)} {subject[0].lower()}{subject[1:]} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."


def _paragraph(rng, sentences):
    return " ".join(_sentence(rng) for _ in range(sentences))


def _link(index, target, rng):
    return f"[{rng.choice(['comme je le racontais', 'lire aussi', 'voir ce billet', 'cette séance'])}]({{filename}}/posts/{post_filename(target)})"


def post_text(index, count, words=800, seed=0):
    """The Markdown of post `index` (0-based) out of `count`, about `words` words long."""
    rng = random.Random(f"{seed}-{index}")
    title = post_title(index, rng)
    date = FIRST_DATE - datetime.timedelta(days=count - 1 - index)
    tags = rng.sample(TAGS, rng.randint(2, 4))
    lines = [
        f"Title: {title}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {CATEGORIES[index % len(CATEGORIES)]}",
        f"Tags: {', '.join(tags)}",
        f"Author: {AUTHORS[index % len(AUTHORS)]}",
        "",
    ]
    # Links to a few other posts: the previous one and two picked at random.
    targets = {
        t
        for t in (index - 1, rng.randrange(count), rng.randrange(count))
        if 0 <= t < count and t != index
    }
    body = []
    written = 0
    section = 0
    while written < words - 70:  # a section adds about 130 words
        if section:
            body.append(f"## {rng.choice(HEADINGS)}")
        paragraph = _paragraph(rng, rng.randint(3, 6))
        if targets:
            paragraph += f" ({_link(index, targets.pop(), rng)}.)"
        body.append(paragraph)
        body.append(_paragraph(rng, rng.randint(3, 6)))
        if section % 3 == 1:
            body.append(
                "\n".join(
                    f"{n}. {item[0].upper()}{item[1:]} ;"
                    for n, item in enumerate(rng.sample(LIST_ITEMS, 4), 1)
                )
            )
        elif section % 3 == 2:
            body.append(f"> {rng.choice(QUOTES)}")
        else:
            body.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, 3)))
        written = sum(len(block.split()) for block in body)
        section += 1
    return "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"


def generate(content_path, count, words=800, seed=0, extra_from=None):
    """Write `count` posts into content_path/posts/ (emptied first).

    extra_from: a content folder whose pages/ and images/ are copied too, so that the
    theme's links to « À propos », « Newsletter » and the authors' photos resolve.
    """
    posts = os.path.join(content_path, "posts")
    shutil.rmtree(content_path, ignore_errors=True)
    os.makedirs(posts)
    for folder in ("pages", "images"):
        source = os.path.join(extra_from, folder) if extra_from else None
        if source and os.path.isdir(source):
            shutil.copytree(source, os.path.join(content_path, folder))
    for index in range(count):
        with open(os.path.join(posts, post_filename(index)), "w", encoding="utf-8") as f:
            f.write(post_text(index, count, words, seed))
    return content_path


def add_post(content_path, index, count, words=800, seed=0, date=None):
    """Write one more post (the "new post" of a publish); return its path."""
    text = post_text(index, count, words, seed)
    if date is not None:
        text = text.replace(text.split("\n")[1], f"Date: {date:%Y-%m-%d %H:%M}", 1)
    path = os.path.join(content_path, "posts", post_filename(index))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
