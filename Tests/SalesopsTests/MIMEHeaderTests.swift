import SalesopsMail
import XCTest

/// RFC 2047 and RFC 2231 cases of Go's `mime` package tests (golang/go `src/mime/encodedword_test.go`,
/// `src/mime/mediatype_test.go`) as a table, plus the Russian cases of FORMATS.md §2.5–2.7.
final class MIMEHeaderTests: XCTestCase {
    func testGoDecodeWord() {
        let cases: [(String, String?)] = [
            ("=?UTF-8?Q?=C2=A1Hola,_se=C3=B1or!?=", "¡Hola, señor!"),
            ("=?UTF-8?Q?Fran=C3=A7ois-J=C3=A9r=C3=B4me?=", "François-Jérôme"),
            ("=?UTF-8?q?ascii?=", "ascii"),
            ("=?utf-8?B?QW5kcsOp?=", "André"),
            ("=?ISO-8859-1?Q?Rapha=EBl_Dupont?=", "Raphaël Dupont"),
            ("=?utf-8?b?IkFudG9uaW8gSm9zw6kiIDxqb3NlQGV4YW1wbGUub3JnPg==?=", "\"Antonio José\" <jose@example.org>"),
            ("=?UTF-8?A?Test?=", nil),
            ("=?UTF-8?Q?A=B?=", nil),
            ("=?UTF-8?Q?=A?=", nil),
            ("=?UTF-8?A?A?=", nil),
        ]
        for (word, expected) in cases {
            XCTAssertEqual(EncodedWords.decodeWord(word), expected, word)
        }
    }

    func testGoDecodeHeader() {
        let cases: [(String, String)] = [
            ("=?UTF-8?Q?=C2=A1Hola,_se=C3=B1or!?=", "¡Hola, señor!"),
            ("=?UTF-8?Q?Fran=C3=A7ois-J=C3=A9r=C3=B4me?=", "François-Jérôme"),
            ("=?UTF-8?q?ascii?=", "ascii"),
            ("=?utf-8?B?QW5kcsOp?=", "André"),
            ("=?ISO-8859-1?Q?Rapha=EBl_Dupont?=", "Raphaël Dupont"),
            ("Jean", "Jean"),
            ("=?utf-8?b?IkFudG9uaW8gSm9zw6kiIDxqb3NlQGV4YW1wbGUub3JnPg==?=", "\"Antonio José\" <jose@example.org>"),
            ("=?UTF-8?A?Test?=", "=?UTF-8?A?Test?="),
            ("=?UTF-8?Q?A=B?=", "=?UTF-8?Q?A=B?="),
            ("=?UTF-8?Q?=A?=", "=?UTF-8?Q?=A?="),
            ("=?UTF-8?A?A?=", "=?UTF-8?A?A?="),
            // Incomplete words
            ("=?", "=?"), ("=?UTF-8?", "=?UTF-8?"), ("=?UTF-8?=", "=?UTF-8?="), ("=?UTF-8?Q", "=?UTF-8?Q"),
            ("=?UTF-8?Q?", "=?UTF-8?Q?"), ("=?UTF-8?Q?=", "=?UTF-8?Q?="), ("=?UTF-8?Q?A", "=?UTF-8?Q?A"),
            ("=?UTF-8?Q?A?", "=?UTF-8?Q?A?"),
            // Tests from RFC 2047
            ("=?ISO-8859-1?Q?a?=", "a"),
            ("=?ISO-8859-1?Q?a?= b", "a b"),
            ("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"),
            ("=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=", "ab"),
            ("=?ISO-8859-1?Q?a?= \r\n\t =?ISO-8859-1?Q?b?=", "ab"),
            ("=?ISO-8859-1?Q?a_b?=", "a b"),
            // Examples and the charset decoder cases (charsets decoded for real here)
            ("=?utf-8?q?=C3=89ric?= <eric@example.org>, =?utf-8?q?Ana=C3=AFs?= <anais@example.org>",
             "Éric <eric@example.org>, Anaïs <anais@example.org>"),
            ("=?utf-8?q?=C2=A1Hola,?= =?utf-8?q?_se=C3=B1or!?=", "¡Hola, señor!"),
            ("=?utf-8?b?Q2Fmw6k=?=", "Café"),
            ("=?ISO-8859-1?Q?caf=E9?=", "café"),
            ("=?US-ASCII?Q?foo_bar?=", "foo bar"),
            ("=?utf-8?Q?=?=", "=?utf-8?Q?=?="),
            ("=?utf-8?Q?=A?=", "=?utf-8?Q?=A?="),
            ("=?ISO-8859-15?Q?f=F5=F6?=  =?windows-1252?Q?b=E0r?=", "fõöbàr"),
        ]
        for (header, expected) in cases {
            XCTAssertEqual(EncodedWords.decodeHeader(header), expected, header)
        }
    }

    func testGoParseMediaType() {
        let nameFoo = ["name": "foo"]
        let cases: [(String, String?, [String: String])] = [
            ("form-data; name=\"foo\"", "form-data", nameFoo),
            (" form-data ; name=foo", "form-data", nameFoo),
            ("FORM-DATA;name=\"foo\"", "form-data", nameFoo),
            (" FORM-DATA ; name=\"foo\"", "form-data", nameFoo),
            ("form-data; key=value;  blah=\"value\";name=\"foo\" ", "form-data",
             ["key": "value", "blah": "value", "name": "foo"]),
            ("foo; key=val1; key=the-key-appears-again-which-is-bogus", nil, [:]),
            // From RFC 2231
            ("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A", "application/x-stuff",
             ["title": "This is ***fun***"]),
            ("message/external-body; access-type=URL; URL*0=\"ftp://\";URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
             "message/external-body",
             ["access-type": "URL", "url": "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"]),
            ("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
             "application/x-stuff", ["title": "This is even more ***fun*** isn't it!"]),
            // From greenbytes.de/tech/tc2231
            ("attachment; filename=\"f\\oo.html\"", "attachment", ["filename": "foo.html"]),
            ("attachment; filename=\"\\\"quoting\\\" tested.html\"", "attachment", ["filename": "\"quoting\" tested.html"]),
            ("attachment; filename=\"Here's a semicolon;.html\"", "attachment", ["filename": "Here's a semicolon;.html"]),
            ("attachment; foo=\"\\\"\\\\\";filename=\"foo.html\"", "attachment", ["foo": "\"\\", "filename": "foo.html"]),
            ("attachment; filename=foo.html", "attachment", ["filename": "foo.html"]),
            ("attachment; filename=foo.html ;", "attachment", ["filename": "foo.html"]),
            ("attachment; filename='foo.html'", "attachment", ["filename": "'foo.html'"]),
            ("attachment; filename=\"foo-%41.html\"", "attachment", ["filename": "foo-%41.html"]),
            ("attachment; filename=\"foo-%\\41.html\"", "attachment", ["filename": "foo-%41.html"]),
            ("filename=foo.html", nil, [:]),
            ("x=y; filename=foo.html", nil, [:]),
            ("\"foo; filename=bar;baz\"; filename=qux", nil, [:]),
            ("inline; attachment; filename=foo.html", nil, [:]),
            ("attachment; filename=\"foo.html\".txt", nil, [:]),
            ("attachment; filename=\"bar", nil, [:]),
            ("attachment; creation-date=\"Wed, 12 Feb 1997 16:29:51 -0500\"", "attachment",
             ["creation-date": "Wed, 12 Feb 1997 16:29:51 -0500"]),
            ("foobar", "foobar", [:]),
            ("attachment; filename* =UTF-8''foo-%c3%a4.html", "attachment", ["filename": "foo-ä.html"]),
            ("attachment; filename*=UTF-8''A-%2541.html", "attachment", ["filename": "A-%41.html"]),
            ("attachment; filename*0=\"foo.\"; filename*1=\"html\"", "attachment", ["filename": "foo.html"]),
            ("attachment; filename*0*=UTF-8''foo-%c3%a4; filename*1=\".html\"", "attachment", ["filename": "foo-ä.html"]),
            ("attachment; filename*0=\"foo\"; filename*01=\"bar\"", "attachment", ["filename": "foo"]),
            ("attachment; filename*0=\"foo\"; filename*2=\"bar\"", "attachment", ["filename": "foo"]),
            ("attachment; filename*1=\"foo\"; filename*2=\"bar\"", "attachment", [:]),
            ("attachment; filename*1=\"bar\"; filename*0=\"foo\"", "attachment", ["filename": "foobar"]),
            ("attachment; filename=\"foo-ae.html\"; filename*=UTF-8''foo-%c3%a4.html", "attachment", ["filename": "foo-ä.html"]),
            ("attachment; filename*=UTF-8''foo-%c3%a4.html; filename=\"foo-ae.html\"", "attachment", ["filename": "foo-ä.html"]),
            // Browsers send UTF-8 directly, without RFC 2231
            ("form-data; firstname=\"Брэд\"; lastname=\"Фицпатрик\"", "form-data", ["firstname": "Брэд", "lastname": "Фицпатрик"]),
            // Bogus media types
            ("bogus ;=========", nil, [:]),
            ("bogus/<script>alert</script>", nil, [:]),
            ("bogus/bogus<script>alert</script>", nil, [:]),
        ]
        for (text, type, parameters) in cases {
            let parsed = MediaType.parse(text)
            XCTAssertEqual(parsed?.value, type, text)
            if type != nil { XCTAssertEqual(parsed?.parameters, parameters, text) }
        }
    }

    func testRussianEncodedWords() {
        let cases: [(String, String)] = [
            // A cp1251 Q-encoded subject folded over three lines (unfolded: CRLF removed, the WSP kept).
            ("=?windows-1251?Q?=CA=EE=EC=EC=E5=F0=F7=E5=F1=EA=EE=E5?=\r\n =?windows-1251?Q?_=EF=F0=E5=E4=EB=EE?=\r\n\t=?windows-1251?Q?=E6=E5=ED=E8=E5?=",
             "Коммерческое предложение"),
            ("=?koi8-r?B?896j1CDOwSDP0MzB1NU=?=", "Счёт на оплату"),
            // A UTF-8 character split across two adjacent words.
            ("=?UTF-8?B?0J/RgNA=?= =?UTF-8?B?tdC00LvQvtC20LXQvdC40LU=?=", "Предложение"),
            ("Re: =?utf-8?b?0J/RgNC10LTQu9C+0LbQtdC90LjQtQ==?= №5", "Re: Предложение №5"),
            ("=?iso-8859-5?q?=BF=E0=D8=D2=D5=E2?=", "Привет"),
            ("=?cp866?Q?=8F=E0=A8=A2=A5=E2?=", "Привет"),
            ("=?x-mac-cyrillic?Q?=8F=F0=E8=E2=E5=F2?=", "Привет"),
            // Mislabels: koi8-r bytes labelled windows-1251 and the reverse.
            ("=?windows-1251?Q?=EB=CF=CD=CD=C5=D2=DE=C5=D3=CB=CF=C5_=D0=D2=C5=C4=CC=CF=D6=C5=CE=C9=C5?=", "Коммерческое предложение"),
            ("=?koi8-r?Q?=D1=F7=B8=F2_=ED=E0_=EE=EF=EB=E0=F2=F3?=", "Счёт на оплату"),
            // All capitals are not taken for a mislabel.
            ("=?windows-1251?Q?=CA=CF_=CE=CE=CE_=D0=CE=CC=C0=D8=CA=C0?=", "КП ООО РОМАШКА"),
            // An unknown charset stays as written.
            ("=?x-klingon?Q?abc?= ok", "=?x-klingon?Q?abc?= ok"),
        ]
        for (header, expected) in cases {
            XCTAssertEqual(EncodedWords.decodeHeader(header), expected, header)
        }
        // Raw 8-bit header bytes: UTF-8 when valid, else windows-1251 or koi8-r by how they read.
        XCTAssertEqual(EncodedWords.decodeHeader(Array("Счёт на оплату".utf8)), "Счёт на оплату")
        XCTAssertEqual(EncodedWords.decodeHeader([0xD1, 0xF7, 0xB8, 0xF2, 0x20, 0xED, 0xE0, 0x20, 0xEE, 0xEF, 0xEB, 0xE0, 0xF2, 0xF3]),
                       "Счёт на оплату")
    }
}
