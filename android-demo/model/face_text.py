"""What is written on a drawn card face: random characters, business-card lines of real words, or CJK.
Training faces draw from TRAIN_WORDS, validation faces (`card_faces_val.py`) from VALIDATION_WORDS, so a
validation face never repeats a training face's words."""
import string

TRAIN_WORDS = {
    'first': 'Anna Marco Li Wei Sofia Omar Yuki Priya Lukas Elena Diego Fatima Jonas Mei Ravi Chloe Ahmed Ines Tomas Hana'.split(),
    'last': 'Schmidt Rossi Chen Garcia Haddad Tanaka Sharma Novak Petrov Silva Kim Dubois Okafor Jensen Moreau Kowalski'.split(),
    'title': ['Sales Director', 'Senior Engineer', 'Product Manager', 'Chief Executive Officer', 'Head of Design',
              'Account Manager', 'Consultant', 'Research Scientist', 'Marketing Lead', 'Partner', 'Architect', 'CFO'],
    'company': 'Northwind Bluepeak Ardent Vireo Solace Kestrel Meridian Halcyon Orbit Lumen Cobalt Tessera Quill Fjord'.split(),
    'suffix': ['Ltd', 'GmbH', 'Inc.', 'S.A.', 'Group', 'Labs', 'Studio', 'AG', 'Co.', 'Partners'],
    'street': ['Harbour Street', 'Rue de Lyon', 'Market Road', 'Via Roma', 'Park Avenue', 'Hauptstrasse', 'King St'],
    'city': ['Leeds', 'Lyon', 'Berlin', 'Osaka', 'Porto', 'Austin', 'Seoul', 'Milan', 'Oslo', 'Pune'],
}
VALIDATION_WORDS = {
    'first': 'Clara Pablo Nadia Felix Aiko Samir Greta Hugo Leila Bruno Irene Kofi Maya Otto Rosa Tariq'.split(),
    'last': 'Lindqvist Moretti Wong Alvarez Nakamura Iyer Horvat Ivanova Costa Park Laurent Mensah Berg Nowak'.split(),
    'title': ['Regional Manager', 'Lead Developer', 'Founder', 'Operations Director', 'Designer', 'Buyer', 'Analyst',
              'Managing Partner', 'Engineer', 'Advisor'],
    'company': 'Alder Brightwater Corvid Delta Emberly Foxglove Granite Heron Inkwell Juniper Larkspur Mosaic'.split(),
    'suffix': ['Holdings', 'Ltd', 'LLC', 'B.V.', 'Works', 'Systems', 'SpA'],
    'street': ['Mill Lane', 'Calle Mayor', 'Station Road', 'Kungsgatan', 'Elm Street', 'Avenida Central'],
    'city': ['York', 'Madrid', 'Uppsala', 'Kyoto', 'Denver', 'Lagos', 'Turin', 'Bergen'],
}
# Common CJK ideographs, Hangul syllables and katakana: a name line and details in the script of a Noto CJK face.
CJK_RANGES = [(0x4E00, 0x6FFF), (0xAC00, 0xD7A3), (0x30A1, 0x30F6)]


def pick(rng, items):
    return items[int(rng.integers(len(items)))]


def random_chars(rng, n):
    """`n` random letters, digits and marks (the first faces' only text)."""
    return ''.join(rng.choice(list(string.ascii_letters + string.digits + '  .@-'), n)).strip() or 'A'


def card_lines(rng, words, n):
    """A name, then `n` - 1 of: title, company, phone, e-mail, web, street, city, in business-card order."""
    first, last, company = pick(rng, words['first']), pick(rng, words['last']), pick(rng, words['company'])
    name = f'{first} {last}' if rng.random() < 0.7 else f'{last.upper()} {first}'
    domain = company.lower() + pick(rng, ['.com', '.io', '.de', '.co.uk', '.jp', '.fr'])
    digits = lambda k: ''.join(str(int(d)) for d in rng.integers(0, 10, k))  # noqa: E731
    details = [pick(rng, words['title']), f"{company} {pick(rng, words['suffix'])}", f'+{digits(2)} {digits(3)} {digits(4)} {digits(3)}',
               f'{first[0].lower()}.{last.lower()}@{domain}', f'www.{domain}', f"{int(rng.integers(1, 200))} {pick(rng, words['street'])}",
               f"{digits(5)} {pick(rng, words['city'])}"]
    keep = sorted(rng.choice(len(details), min(n - 1, len(details)), replace=False))
    return [name] + [details[i] for i in keep]


def cjk_text(rng, n):
    """`n` characters of one CJK script."""
    lo, hi = CJK_RANGES[int(rng.integers(len(CJK_RANGES)))]
    return ''.join(chr(int(c)) for c in rng.integers(lo, hi + 1, n))
