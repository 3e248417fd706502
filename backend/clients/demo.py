"""Demo clients in Deventer (fictional people; BSNs pass the 11-check but belong to no one)."""
from datetime import date, datetime

from sqlmodel import Session, select

from backend.clients.models import Client

ORDER = 20

CLIENTS = [
    ("Mevrouw G. Hendriks", date(1936, 3, 14), "Brink 12", "7411 BR", 52.2525, 6.1590, "Dr. Kamphuis"),
    ("De heer J. van Dam", date(1931, 11, 2), "Assenstraat 40", "7411 JX", 52.2559, 6.1620, "Dr. Kamphuis"),
    ("Mevrouw A. Koster", date(1940, 6, 21), "Keizerstraat 7", "7411 HC", 52.2508, 6.1645, "Dr. Oosterhuis"),
    ("De heer H. Bos", date(1934, 1, 30), "Snipperlingsdijk 88", "7417 BL", 52.2470, 6.1780, "Dr. Oosterhuis"),
    ("Mevrouw T. Willems", date(1945, 9, 9), "Rembrandtlaan 15", "7412 SG", 52.2575, 6.1820, "Dr. Yilmaz"),
    ("De heer P. Meijer", date(1938, 4, 18), "Amstellaan 102", "7417 BG", 52.2610, 6.1900, "Dr. Yilmaz"),
    ("Mevrouw L. de Boer", date(1929, 12, 5), "Zwolseweg 230", "7412 AT", 52.2720, 6.1580, "Dr. Kamphuis"),
    ("De heer W. Vos", date(1942, 7, 27), "Holterweg 60", "7415 BH", 52.2630, 6.1980, "Dr. Oosterhuis"),
    ("Mevrouw R. Prins", date(1937, 2, 11), "Colmschaterstraatweg 9", "7429 AA", 52.2520, 6.2350, "Dr. Yilmaz"),
    ("De heer K. Dekker", date(1933, 5, 23), "Brinkgreverweg 120", "7413 AD", 52.2490, 6.1870, "Dr. Kamphuis"),
    ("Mevrouw S. Brouwer", date(1941, 10, 1), "Diepenveenseweg 50", "7413 AT", 52.2660, 6.1720, "Dr. Yilmaz"),
    ("De heer F. Maas", date(1935, 8, 16), "Rielerweg 25", "7416 ZA", 52.2440, 6.2050, "Dr. Oosterhuis"),
    ("Mevrouw E. Schouten", date(1939, 3, 3), "Platvoet 11", "7411 DA", 52.2450, 6.1610, "Dr. Kamphuis"),
    ("De heer B. Post", date(1930, 6, 12), "Borgelerhof 4", "7412 XA", 52.2600, 6.1710, "Dr. Yilmaz"),
    ("Mevrouw M. Kuipers", date(1944, 12, 24), "Laan van Borgele 70", "7415 DK", 52.2550, 6.2010, "Dr. Oosterhuis"),
]


def demo_bsn(seed: int) -> str:
    """Return a fictional BSN that passes the 11-check."""
    base = f"{100000 + seed * 7919:08d}"[-8:]
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    total = sum(int(d) * w for d, w in zip(base, weights))
    check = total % 11
    if check == 10:  # no single digit closes this one: move on to the next seed
        return demo_bsn(seed + 1000)
    return base + str(check)


def load(session: Session, now: datetime) -> bool:
    """Create the demo clients unless they exist."""
    if session.scalar(select(Client.id).limit(1)) is not None:
        return False
    for i, (name, born, address, postcode, lat, lon, gp) in enumerate(CLIENTS, start=1):
        session.add(Client(name=name, birth_date=born, address=address, postcode=postcode, city="Deventer",
                           lat=lat, lon=lon, phone=f"0570-6{i:05d}", bsn=demo_bsn(i), gp_name=gp,
                           created_team="acute", created_org="HAP Deventer", created_at=now,
                           updated_at=now))
    session.commit()
    return True
