"""Swedish words the scale seed builds its organisations, people and texts from (see _seed_scale.py).

Everything here is invented: places made of common Swedish name parts, organisations named after them,
and short texts in the portal's plain Swedish. The generator combines them with a seeded random source.
"""

from __future__ import annotations

PLACE_STARTS = [
    "Norr",
    "Söder",
    "Väster",
    "Öster",
    "Berg",
    "Sjö",
    "Lund",
    "Mal",
    "Ek",
    "Björk",
    "Gran",
    "Hag",
    "Holm",
    "Dal",
    "Ros",
    "Ny",
    "Sand",
    "Lind",
    "Ål",
    "Stor",
]
PLACE_ENDS = ["vik", "köping", "by", "hamn", "ås", "torp", "sala", "näs", "fors", "berga", "stad", "mo", "ryd", "lid"]

AGENCIES = [
    "Länsstyrelsen i {place}",
    "Arbetsförmedlingen {place}",
    "Försäkringskassan {place}",
    "Polisen, lokalpolisområde {place}",
    "Migrationsverket {place}",
    "Skolverkets regionkontor {place}",
]
ASSOCIATION_TOPICS = [
    "Läxhjälps",
    "Idrotts",
    "Hyresgäst",
    "Pensionärs",
    "Kultur",
    "Natur",
    "Ungdoms",
    "Brukar",
    "Hembygds",
    "Scout",
    "Musik",
    "Frivillig",
    "Anhörig",
    "Kvinnojours",
]
FOUNDATION_NOUNS = ["Gröna gårdar", "Framtid", "Ungdomshuset", "Kulturarv", "Trygg uppväxt", "Fristaden"]
FAITH = [
    "{place} församling",
    "Equmeniakyrkan {place}",
    "Pingstförsamlingen {place}",
    "Katolska församlingen i {place}",
]
COOPERATIVES = ["Kooperativet {place}", "Bygdegårdsföreningen {place}", "Föräldrakooperativet {place}"]
SOCIAL_ENTERPRISES = ["Arbetsintegrerande Café {place}", "Returbutiken {place}", "Cykelverkstaden {place}"]

FIRST_NAMES = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Ida",
    "Fatima",
    "Amina",
    "Elin",
    "Hanna",
    "Linnea",
    "Sofia",
    "Aisha",
    "Johan",
    "Erik",
    "Lars",
    "Anders",
    "Per",
    "Karl",
    "Mikael",
    "Ali",
    "Mohammed",
    "Omar",
    "Jonas",
    "Oskar",
    "Nils",
    "Ahmed",
    "Björn",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Lindqvist",
    "Berg",
    "Holm",
    "Ahmadi",
    "Hassan",
    "Lindberg",
    "Ekström",
    "Sandberg",
    "Nyström",
    "Yilmaz",
    "Mohamud",
    "Virtanen",
    "Novak",
    "Öberg",
    "Åkesson",
]

# (title stem, the need, the target group)
THEMES = [
    ("Läxhjälp", "många barn i årskurs 4–9 saknar stöd med läxorna hemma", "barn i årskurs 4–9 och deras föräldrar"),
    ("Språkcafé", "nyanlända vill öva svenska i vardagliga samtal", "nyanlända vuxna"),
    ("Mötesplats för äldre", "äldre som bor ensamma har få platser att träffa andra på", "äldre som bor ensamma"),
    (
        "Arbetsträning för unga vuxna",
        "unga vuxna som varken arbetar eller studerar behöver en väg in i arbetslivet",
        "unga vuxna 18–29 år",
    ),
    ("Sommarlovsaktiviteter", "många barn har inget att göra under sommarlovet", "barn och unga 7–15 år"),
    ("Trygghetsvandringar", "boende känner sig otrygga i området på kvällarna", "boende i området"),
    ("Stöd till anhöriga", "anhöriga som vårdar en närstående orkar inte längre", "anhöriga till personer med demens"),
    ("Matbank", "fler hushåll har svårt att få pengarna att räcka till mat", "hushåll med låga inkomster"),
    (
        "Idrott för alla",
        "barn med funktionsnedsättning har svårt att hitta en fritidsaktivitet",
        "barn och unga med funktionsnedsättning",
    ),
    (
        "Digital delaktighet",
        "många seniorer klarar inte bankärenden och vårdkontakter på nätet",
        "seniorer utan vana av digitala tjänster",
    ),
    ("Fritidsgård", "det saknas trygga mötesplatser för unga på kvällstid", "unga 13–18 år"),
    (
        "Föräldrastöd",
        "föräldrar vill ha stöd i föräldrarollen utan att gå via socialtjänsten",
        "föräldrar med barn i förskoleåldern",
    ),
    ("Samråd om kulturstrategi", "föreningslivet har inte känt igen sig i tidigare strategier", "föreningar"),
    ("Dialog om föreningsbidrag", "reglerna för föreningsbidrag upplevs som krångliga", "föreningar som söker bidrag"),
    ("Skyddat boende", "våldsutsatta kvinnor behöver skyddat boende och stöd", "våldsutsatta kvinnor och deras barn"),
    ("Naturskola", "barn i staden kommer sällan ut i naturen", "förskolebarn och lågstadieelever"),
    ("Förebyggande arbete mot kriminalitet", "unga riskerar att dras in i kriminalitet", "unga 12–20 år"),
    ("Volontärbyrå", "många vill engagera sig men vet inte var de behövs", "invånare som vill göra en ideell insats"),
    ("Psykisk hälsa bland unga", "allt fler unga mår dåligt och väntar länge på hjälp", "unga 13–25 år"),
    ("Bygdegården som mötesplats", "landsbygden har få samlingslokaler kvar", "boende på landsbygden"),
]

DESCRIPTIONS = [
    "{civil} och {public} vill tillsammans möta behovet: {need}.",
    "Ett samarbete för {target} i {place}, där föreningslivet och det offentliga bidrar med olika saker.",
    "Vi prövar ett nytt sätt att arbeta tillsammans eftersom {need}.",
]

ANSWER_SENTENCES = [
    "Vi har sett att {need}, och både {public} och {civil} har fått frågor om det.",
    "Målgruppen är {target}; vi vill att de är med redan när vi formulerar behovet.",
    "{civil} har volontärer och kontakter i {place} som kommunen inte når på egen hand.",
    "{public} kan bidra med lokaler, samordning och pengar för det första året.",
    "Vi behöver prata om hur vi följer upp arbetet utan att det blir tungt för volontärerna.",
    "Styrelsen vill att föreningen behåller rätten att säga ifrån offentligt, också när vi får bidrag.",
    "Vi ses en gång i månaden och turas om att sätta dagordningen.",
    "Det finns fler föreningar i {place} som borde bjudas in, inte bara de vi brukar arbeta med.",
    "Vi gör en enkel nulägesbild nu, så att vi kan se vad som har förändrats om ett år.",
    "Risken är att en part formulerar problemet ensam; därför skriver vi det här tillsammans.",
    "Vi har pratat med några ur målgruppen och de vill helst träffas på kvällstid.",
    "Rollerna behöver bli tydligare: vem kallar till möten och vem svarar för ekonomin?",
    "Vi är inte överens om tidsplanen ännu, men vi är överens om målet.",
    "Kommunens handläggare tar fram underlag inför nämndens beslut i vår.",
    "Föreningen har gjort liknande arbete i mindre skala sedan flera år tillbaka.",
    "Vi vill utvärdera både själva insatsen och hur samverkan har fungerat.",
    "Vi behöver komma överens om vem som står för volontärernas resor och material.",
    "En gemensam riskanalys visar att det största hindret är att nyckelpersoner slutar.",
    "Vi tar hjälp av paraplyorganisationen för att hitta fler aktörer i {place}.",
    "Vi berättar öppet hur pengarna används och redovisar det en gång per termin.",
]

SECTION_LEADS = {
    "bakgrund-och-problembild": "I {place} har vi sett att {need}.",
    "malbild-och-syfte": "Syftet är att {target} i {place} ska få det stöd de behöver, på ett sätt som håller över tid.",
    "malgrupp": "Målgruppen är {target}. Vi når dem genom {civil} och genom kommunens verksamheter.",
    "problemlosning-och-metod": "Vi arbetar i små grupper med samma ledare varje gång, så att deltagarna känner igen dem.",
    "atgarder-och-tidsplan": "Under första halvåret bygger vi upp verksamheten; efter ett år gör vi en gemensam utvärdering.",
    "organisation": "En styrgrupp med två personer från varje part träffas en gång i månaden.",
    "resurser-och-ekonomi": "{public} bidrar med pengar och lokaler; {civil} bidrar med volontärer, kunskap och kontakter.",
    "principer": "Självständighet och oberoende: {civil} bestämmer själv hur verksamheten bedrivs.",
    "kvalitetskrav": "Alla som leder verksamheten får en introduktion, och det finns alltid två vuxna på plats.",
    "rapportering-och-uppfoljning": "Vi följer upp genom samtal och ett verksamhetsbesök per termin, inte bara med siffror.",
    "giltighetstid-andringar-och-uppsagning": "Avsiktsförklaringen gäller i ett år. Ändringar görs skriftligt och godkänns av alla parter.",
    "eventuell-fortsattning": "Senast tre månader innan perioden tar slut bestämmer vi tillsammans om arbetet ska fortsätta.",
}
SECTION_ADDITIONS = [
    "Parterna har stämt av texten på ett gemensamt möte.",
    "Vi skriver in det vi kom överens om i kommentarerna till förra versionen.",
    "Uppsägningstiden är tre månader, så att en pågående termin kan avslutas på ett bra sätt.",
    "Volontärernas kostnader för resor och material betalas av bidraget.",
    "Målgruppen får säga vad de tycker genom ett samtal i början av varje termin.",
]

COMMENTS = [
    "Vem betalar volontärernas resor? Det står inget om det här.",
    "Kan vi vara tydligare med vem som kallar till mötena?",
    "Styrelsen vill läsa det här avsnittet en gång till innan vi godkänner.",
    "Bra formulerat, vi håller med.",
    "Här behöver vi skriva in diarienumret.",
    "Är ett år för kort? Vi vill gärna ha besked om fortsättningen tidigare.",
]
REPLIES = [
    "Bra fråga, jag skriver in det i nästa version.",
    "Vi tar det på nästa styrgruppsmöte.",
    "Håller med, det ändrar vi.",
]
CHANGE_REQUESTS = [
    "Styrelsen vill att uppsägningstiden blir tre månader i stället för en.",
    "Skriv in att bidraget täcker volontärernas resor och material, som vi kom överens om.",
    "Avsnittet om uppföljning behöver bli enklare: en redovisning per termin räcker.",
]
CLOSING_NOTES = [
    "Arbetet drivs vidare av föreningen på egen hand. Vi ses igen inför nästa år.",
    "Projektet är slutfört och utvärderat. Lärdomarna tar vi med oss i nästa samverkan.",
    "Pengarna tog slut och vi kunde inte fortsätta i samma form.",
]
DECISIONS = ["Styrelsemöte {date}, § {n}", "Delegationsbeslut {date}", "Nämndbeslut {date}, § {n}"]
