# SPDX-License-Identifier: EUPL-1.2
"""Our own small word lists: English names and words, mail and organisation vocabulary.

deduce's lists are Dutch; these add what English correspondence with platforms needs, and
the words that decide what is *not* personal data (organisations, generic mailboxes, public
handles). Written for FlagDesk; no external source.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common English given names that deduce's list might lack; most are in it already.
ENGLISH_FIRST_NAMES = _words(
    """
    Aaron Abigail Adam Aiden Alan Alice Alison Amanda Amelia Amy Andrew Angela Anthony Ashley
    Barbara Becky Ben Benjamin Beth Bethany Brandon Brenda Brian Bridget Caitlin Callum Carl
    Caroline Catherine Charlie Charlotte Chelsea Chris Christine Christopher Claire Colin Craig
    Daniel Darren Dave David Deborah Declan Dennis Derek Diana Donna Duncan Dylan Eleanor Elliot
    Emily Emma Eric Erin Ethan Evan Fiona Gareth Gavin Gemma George Georgia Gillian Gordon
    Graham Gregory Hannah Harriet Harry Hayley Heather Helen Holly Ian Imogen Isaac Isabel
    Jacob Jake James Jamie Janet Jason Jeffrey Jennifer Jeremy Jessica Joanna Joe Joel John
    Jonathan Jordan Joseph Joshua Julia Julian Justin Karen Kate Katherine Katie Keith Kelly
    Kenneth Kevin Kieran Kimberly Kirsty Laura Lauren Leah Liam Lindsay Lisa Logan Lucy Luke
    Madison Margaret Martin Matthew Megan Melissa Michael Michelle Molly Natalie Nathan Neil
    Nicholas Nicola Niamh Oliver Olivia Oscar Owen Patrick Paul Peter Philip Rachel Rebecca
    Richard Robert Ryan Samantha Samuel Sarah Scott Sean Shannon Sharon Simon Siobhan Sophie
    Stephanie Stephen Steven Stuart Susan Tanya Thomas Timothy Tracy Tyler Vanessa Victoria
    Wayne William Zoe Priya Rahul Arjun Ananya Wei Mei Jun Hiroshi Yuki Kenji Mohammed Ahmed
    Fatima Aisha Omar Yusuf Layla Carlos Diego Sofia Lucia Mateo Javier Pablo Elena Marco Giulia
    Luca Francesca Pierre Camille Chloe Antoine Julien Sven Lars Ingrid Astrid Bjorn Mikkel
    Katarzyna Piotr Tomasz Agnieszka Olga Dmitri Ivan Nadia Tariq Zainab Kwame Ama Chidi Ngozi
    """
)

# Words deduce lists as first names that are far more often something else in our texts.
NOT_FIRST_NAMES = _words(
    """
    De Den Der Het Een Ten Ter Te Op In Van Dan Dit Die Dat Al Ook Maar Meer Zo Kind Best Dear
    Hi Hey Hello Thanks Re Fw Fwd To From Sent Date Subject Cc Bcc Aan Cc Datum Onderwerp Tel
    Mobile Mobiel Team Trust Safety Meta Google Snapchat Twitter Tiktok TikTok Policy Civic
    Integrity Urgent Escalation Channel Election Elections Dutch Netherlands Nederland Holland
    Ministry Ministerie Democracy Governance Division Kingdom Interior Voor Met Na Om Bij Per
    Mei Juni Juli June July August March April Major King Prince Princess Queen Lord Sir Dame
    Star Sky Rain Storm River Stone Wood Hill Field Lane Young Long Short Small Little Poor
    Brown White Black Green Gray Grey Red Blue Gold Bright Sterling
    """
)

# First names that are also ordinary words: a name only with a known surname after it.
AMBIGUOUS_FIRST_NAMES = _words(
    """
    Amber Summer Hope Faith Joy Grace Dawn Chase Will Art Guy Don Page Rich Bill Miles Grant
    Frank Lot Ben Wil Pat Sue Mark Rose Jack Iris Kim Roos Fleur Hazel Ivy Holly Lily Daisy
    Ruby Jade Pearl Violet May
    """
)

ENGLISH_STOP_WORDS = frozenset(
    w.lower()
    for w in _words(
        """
        a about above after again against all am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers herself him himself his how i if in
        into is it its itself just me more most my myself no nor not now of off on once only or
        other our ours ourselves out over own same she should so some such than that the their
        theirs them themselves then there these they this those through to too under until up
        very was we were what when where which while who whom why will with would you your
        yours yourself yourselves also please thanks thank dear hi hello hey regards kind best
        yes ok okay may might must shall let us via per re fw fwd
        """
    )
)

# Capitalised words that are never (part of) a person's name in this correspondence. The
# test is on the lower-cased word.
NOT_NAME_WORDS = frozenset(
    w.lower()
    for w in _words(
        """
        Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Wed Thu Fri Sat Sun
        January February March April May June July August September October November December
        Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec maandag dinsdag woensdag donderdag
        vrijdag zaterdag zondag januari februari maart mei juni juli augustus oktober
        ma di wo do vr za zo
        Ministry Ministerie Minister Ministers Department Directorate Directie Division Afdeling
        Team Teams Desk Unit Office Bureau Dienst Service Services Support Helpdesk Secretariaat
        Trust Safety Integrity Civic Policy Policies Election Elections Verkiezing Verkiezingen
        Tweede Eerste Kamer Kamerverkiezing Parliament Parliamentary Government Overheid
        Rijksoverheid Gemeente Municipality Provincie Province Kingdom Interior Relations Koninkrijk
        Koninkrijksrelaties Binnenlandse Zaken Democracy Democratie Governance Bestuur Urgent
        Escalation Channel Notification Notice Melding Signaal Signal Report Rapport Bijlage Annex
        Appendix Dutch Netherlands Nederland Nederlandse English Europe European Union Commission
        Council Raad Kiesraad Platform Platforms Content Moderation Legal Counsel Press Pers
        Media News Nieuws Redactie Editor Editorial Factcheck Fact Check Checker Factchecker
        Hoi Hallo Beste Geachte Dear Hi Hello Hey Regards Greetings Groet Groeten Thanks Thank
        Kind Best Warm Many Cheers Sincerely Yours Met Vriendelijke Hartelijke Subject Onderwerp
        From To Cc Bcc Sent Date Datum Van Aan Verzonden Reply Forwarded Message Original Tel
        Telephone Phone Mobile Mobiel Email Mail Address Adres Website Internet Sir Madam Madame
        Mevrouw Heer Meneer Colleague Colleagues Collega Collega's People All Allemaal Everyone
        Hereby Please Kindly Also However Moreover Today Tomorrow Yesterday Vandaag Morgen Gisteren
        Can Could Would Should Will Shall May Might Must Note Nota Memo Internal Intern Update
        Follow Followup Account Accounts Post Posts Tweet Tweets Message Messages Video Videos
        Story Stories Reel Reels Ad Ads Advertisement Advertentie Advertenties Campaign Campagne
        Stembureau Stembiljet Stembureaus Stemmen Ballot Ballots Vote Votes Voting Voter Voters
        Kiezers Kiezer Candidate Candidates Kandidaat Party Parties Partij Partijen List Lijst
        Hack Hacked Gehackt Phishing Misinformation Desinformatie Disinformation Misinformatie
        Deepfake Satire Claim Claims Narrative Narratief Case Zaak Dossier Reference Kenmerk
        Status Flagger Trusted Flaggers Escalation Senior Junior Policy Officer Adviseur Advisor
        Beleidsmedewerker Woordvoerder Spokesperson Coordinator Coördinator Manager Head Director
        Directeur Hoofd Chief Lead Analyst Specialist Medewerker Communicatie Communications
        Burgemeester Mayor Wethouder Alderman Griffier Clerk Secretary Secretaris Burgerzaken
        Customer Public Affairs Relations Government Response Operations Global Regional
        Stadhuis Gemeentehuis Stadskantoor Postbus Street Road Avenue Centre Center Building
        North South East West Noord Zuid Oost West Amsterdam Rotterdam Haag Utrecht Den Hague
        Brussels Dublin London Ireland Californië California Singapore Inc Ltd Corp LLC BV NV
        GmbH Limited Company Stichting Foundation Vereniging Taskforce Webredactie Servicepunt
        Publieksvoorlichting Klantcontactcentrum Frontoffice Contactformulier Partnerships
        Thursday Morning Afternoon Evening Goedemorgen Goedemiddag Goedenavond Good
        The This That These Those Our Your Their Its His Her We You They It He She There Here
        What When Where Which Who Why How If As At By For In On Of Or And But Not No Yes Nor
        Over Under After Before During Since Until With Without About Into Onto Upon Within
        """
    )
)

# Organisations, platforms and parties: never redacted as names.
ORGANISATION_NAMES = _words(
    """
    X Meta Google YouTube TikTok Snapchat Snap Twitter Facebook Instagram WhatsApp Telegram
    Threads LinkedIn Microsoft Bing Reddit Discord Bluesky Mastodon Apple Amazon Spotify
    GroenLinks PvdA GroenLinks/PvdA GroenLinks-PvdA VVD CDA D66 PVV SP BBB NSC JA21 FvD Volt
    DENK SGP ChristenUnie PvdD 50PLUS BIJ1 Kiesraad NOS RTL ANP NU.nl Nieuwsuur EenVandaag
    NRC Volkskrant Trouw Telegraaf Parool AD BZK Rijksoverheid Logius RvIG NCTV AIVD CBS KNMI
    Politie OM Europol EU Nieuwscheckers Pointer Bellingcat AFP Reuters DPG Mediahuis
    """
)

GENERIC_MAILBOX_WORDS = _words(
    """
    info information informatie verkiezingen verkiezing elections election noreply no-reply
    donotreply do-not-reply postmaster mailer-daemon trustandsafety trust safety support
    press pers persvoorlichting woordvoering redactie newsroom desk tips tip contact contacts
    communicatie communications comms secretariaat secretariat helpdesk servicedesk service
    klantenservice abuse legal privacy security team office admin administratie webmaster
    hostmaster nieuws news media publicaties publications factcheck factchecks melding meldingen
    meldpunt integrity civic escalations escalation urgent partners partner government govt
    policy policies publicpolicy public affairs relations outreach notices notice reports report
    bestuur griffie gemeente burgerzaken kcc post postbus algemeen general enquiries inquiries
    hello hallo ops operations onlinesafety elections-nl nl and en van de het the trusted
    flagger flaggers trustedflagger gov govrequests requests lawenforcement le-requests
    escalations-nl
    """
)

# Mail providers for private people: such an address is redacted whole.
PRIVATE_MAIL_DOMAINS = _words(
    """
    gmail.com googlemail.com hotmail.com hotmail.nl outlook.com outlook.nl live.com live.nl
    msn.com yahoo.com yahoo.nl ymail.com icloud.com me.com mac.com aol.com protonmail.com
    proton.me pm.me gmx.com gmx.net gmx.de web.de mail.com zoho.com tutanota.com ziggo.nl
    kpnmail.nl kpnplanet.nl planet.nl home.nl chello.nl casema.nl xs4all.nl hetnet.nl upcmail.nl
    quicknet.nl telfort.nl tele2.nl online.nl zeelandnet.nl solcon.nl caiway.nl kabelfoon.nl
    freeler.nl wxs.nl tiscali.nl onsbrabantnet.nl telenet.be skynet.be btinternet.com sky.com
    virginmedia.com
    """
)

# Organisational mail domains whose local part alone is personal (besides the profile's).
ORGANISATION_MAIL_DOMAINS = _words(
    """
    twitter.com x.com meta.com fb.com facebook.com instagram.com google.com youtube.com
    tiktok.com bytedance.com snap.com snapchat.com microsoft.com linkedin.com telegram.org
    kiesraad.nl nos.nl rtl.nl anp.nl minbzk.nl rijksoverheid.nl minjenv.nl nctv.nl politie.nl
    europa.eu ec.europa.eu
    """
)

# Public organisational handles, compared without "@" and in lower case.
PUBLIC_HANDLES = frozenset(
    h.lower()
    for h in _words(
        """
        minbzk rijksoverheid kiesraad nos nosnieuws nosop3 rtlnieuws nieuwsuur anp politie
        xsafety safety twittersafety support twittersupport tiktoksupport tiktok_nl tiktok
        instagram meta facebook metanewsroom google youtube snapchat x twitter premium verified
        groenlinks pvda groenlinkspvda vvd cda d66 pvv sp_partij bbb nsc volt denk sgp
        christenunie pvdd nieuwscheckers pointer bellingcat afpfactcheck europeancommission
        eu_commission
        """
    )
)

# First path segments of platform URLs that are not an account name.
RESERVED_URL_SEGMENTS = _words(
    """
    i home search explore hashtag hashtags intent share settings status statuses p reel reels tv
    stories watch shorts channel groups group pages events help legal policies policy rules
    about privacy tos terms en nl de fr login signup messages notifications video tag tags
    music discover foryou live company school jobs feed posts post photo photos embed
    oembed compose notes topics trending communities lists places ads business safety
    transparency newsroom support download accounts account profile add web m share.php
    sharer sharer.php permalink.php story.php watch?v results playlist
    """
)

GREETINGS_EN = ("dear", "hi", "hello", "hey", "good morning", "good afternoon")
GREETINGS_NL = (
    "beste",
    "geachte",
    "hoi",
    "hallo",
    "goedemorgen",
    "goedemiddag",
    "lieve",
    "dag",
)
CLOSINGS_EN = (
    "kind regards",
    "best regards",
    "warm regards",
    "warmest regards",
    "with kind regards",
    "regards",
    "best wishes",
    "best",
    "cheers",
    "thanks",
    "many thanks",
    "thank you",
    "thanks again",
    "sincerely",
    "yours sincerely",
    "yours faithfully",
    "all the best",
)
CLOSINGS_NL = (
    "met vriendelijke groet",
    "met vriendelijke groeten",
    "vriendelijke groet",
    "vriendelijke groeten",
    "met hartelijke groet",
    "hartelijke groet",
    "hartelijke groeten",
    "groet",
    "groeten",
    "mvg",
    "met groet",
    "dank",
    "dank je wel",
    "dank u wel",
    "bedankt",
    "hoogachtend",
)

# Titles and forms of address before a name (lower case, without the full stop).
TITLES = _words(
    """
    dhr mevr mw mr mrs ms miss dr drs ir ing prof heer mevrouw meneer mijnheer sir madam
    mx ds bc ba ma msc phd
    """
)

# Words that, on or just above an address line, mark it as an organisation's address.
ORGANISATION_ADDRESS_CUES = _words(
    """
    gemeente gemeentehuis stadhuis stadskantoor raadhuis ministerie ministry municipality
    postbus provincie provinciehuis waterschap kiesraad directie afdeling department division
    office headquarters hoofdkantoor b.v. bv n.v. nv stichting ltd limited inc llc gmbh
    redactie omroep publishing kantoor bezoekadres postadres visiting
    """
)
