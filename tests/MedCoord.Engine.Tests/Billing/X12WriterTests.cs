using MedCoord.Engine.Billing;
using MedCoord.Scheduling.Validation;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// The 837P writer's segments compared whole, each expected segment written by hand from the 005010X222A1 guide:
/// the envelope and its control numbers, the HL hierarchy over several billing providers, names and addresses as the
/// guide wants them (upper case, trimmed, a person or an organisation), the service line's composite elements, the
/// coordination of benefits of two earlier payers; and the exact problems that keep a file from being written.
/// </summary>
public sealed class X12WriterTests
{
    private static readonly ZonedDateTime Created = new LocalDateTime(2026, 12, 8, 9, 30).InZoneStrictly(DateTimeZoneProviders.Tzdb["America/Denver"]);
    private static readonly X12Envelope Envelope = new("MEDCOORD01", "Riverside Family Clinic", "Billing Office", "3035550100", "ACMEHLTH", "Acme Health Plan", 7, false);
    private static readonly LocalDate Served = new(2026, 11, 16);
    private static readonly Person Jo = new("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 2), "F", new Address("1 Main St", "Denver", "CO", "80202"));
    private static readonly Person Mia = new("sub-2", "Doe", "Mia", new LocalDate(1979, 5, 6), "F", new Address("9 Oak St", "Boulder", "CO", "803021234"));
    private static readonly ClaimProvider Riverside = new("1234567893", "Riverside Family Clinic", true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234"));

    /// <summary>One office visit of a self-insured patient, no rendering provider, nothing that needs an authorisation.</summary>
    private static Claim Visit(string id = "CLM-9") => new(
        id,
        "visit-9",
        Jo,
        new Coverage("cov-1", "ACMEHLTH", "Acme Health Plan", "GRP-1", "M123456", Jo, SubscriberRelationship.Self, new LocalDate(2026, 1, 1), null,
            new Benefits(new Dictionary<string, decimal>(), new Accumulator(0, 0), 20, new Accumulator(1000, 0), []), [], "CI"),
        Riverside,
        null,
        ["I10"],
        [new ServiceLine("99213", [], 1, 120m, [1], "11", Served, "office-visit")],
        ClaimStatus.Draft,
        []);

    private static List<string> Segments(string x12) => [.. x12.Split("~\n", StringSplitOptions.RemoveEmptyEntries)];

    private static List<string> Write(params Claim[] claims)
    {
        var x12 = X12Writer.Write(claims, Envelope, Created);
        Assert.Empty(X12Check.Problems(x12));
        return Segments(x12);
    }

    private static List<string> Problems(params Claim[] claims) => X12Writer.Problems(claims, Envelope, Created).Texts();

    /// <summary>A nine-digit control number in production: ISA13/IEA02 zero padded, GS06/GE02 as is, ST02/SE02 its last four digits.</summary>
    [Fact]
    public void Write_ProductionFileWithANineDigitControlNumber_IsExactlyTheseSegments()
    {
        var envelope = Envelope with { ControlNumber = 987654321, Production = true };

        var x12 = X12Writer.Write([Visit()], envelope, Instant.FromUtc(2027, 1, 5, 14, 7).InUtc());

        Assert.Equal(
            """
            ISA*00*          *00*          *ZZ*MEDCOORD01     *ZZ*ACMEHLTH       *270105*1407*^*00501*987654321*0*P*:~
            GS*HC*MEDCOORD01*ACMEHLTH*20270105*1407*987654321*X*005010X222A1~
            ST*837*4321*005010X222A1~
            BHT*0019*00*987654321*20270105*1407*CH~
            NM1*41*2*RIVERSIDE FAMILY CLINIC*****46*MEDCOORD01~
            PER*IC*BILLING OFFICE*TE*3035550100~
            NM1*40*2*ACME HEALTH PLAN*****46*ACMEHLTH~
            HL*1**20*1~
            NM1*85*2*RIVERSIDE FAMILY CLINIC*****XX*1234567893~
            N3*400 RIVER RD~
            N4*DENVER*CO*802021234~
            REF*EI*841234567~
            HL*2*1*22*0~
            SBR*P*18*GRP-1******CI~
            NM1*IL*1*DOE*JO****MI*M123456~
            N3*1 MAIN ST~
            N4*DENVER*CO*80202~
            DMG*D8*19800102*F~
            NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH~
            CLM*CLM-9*120***11:B:1*Y*A*Y*Y~
            HI*ABK:I10~
            LX*1~
            SV1*HC:99213*120*UN*1***1~
            DTP*472*D8*20261116~
            SE*23*4321~
            GE*1*987654321~
            IEA*1*987654321~

            """.ReplaceLineEndings("\n"),
            x12);
        Assert.Empty(X12Check.Problems(x12));
    }

    [Theory]
    [InlineData(1, "000000001", "1", "0001")]
    [InlineData(10000, "000010000", "10000", "0000")]
    [InlineData(123456, "000123456", "123456", "3456")]
    [InlineData(999999999, "999999999", "999999999", "9999")]
    public void Write_ControlNumber_IsCarriedByEveryEnvelopeSegment(int control, string interchange, string group, string set)
    {
        var segments = Segments(X12Writer.Write([Visit()], Envelope with { ControlNumber = control }, Created));

        Assert.EndsWith($"*00501*{interchange}*0*T*:", segments[0], StringComparison.Ordinal);
        Assert.Equal($"GS*HC*MEDCOORD01*ACMEHLTH*20261208*0930*{group}*X*005010X222A1", segments[1]);
        Assert.Equal($"ST*837*{set}*005010X222A1", segments[2]);
        Assert.Equal($"BHT*0019*00*{interchange}*20261208*0930*CH", segments[3]);
        Assert.Equal([$"SE*23*{set}", $"GE*1*{group}", $"IEA*1*{interchange}"], segments[^3..]);
    }

    /// <summary>Claims are grouped under their billing provider's 2000A in the order the providers first appear; each HL names its parent.</summary>
    [Fact]
    public void Write_TwoBillingProviders_NestEachClaimUnderItsProvidersHierarchicalLevel()
    {
        var lakeside = new ClaimProvider("1003000126", "Nguyen, An", false, "990000001", new Address("7 Lake Ave", "Golden", "CO", "804011234"));
        var child = Visit("CLM-B") with { Patient = Jo, Coverage = Visit().Coverage with { Subscriber = Mia, Relationship = SubscriberRelationship.Child }, BillingProvider = lakeside };

        var segments = Write(Visit("CLM-A"), child, Visit("CLM-C"));

        Assert.Equal(
        [
            "HL*1**20*1",
            "NM1*85*2*RIVERSIDE FAMILY CLINIC*****XX*1234567893",
            "HL*2*1*22*0",
            "CLM*CLM-A*120***11:B:1*Y*A*Y*Y",
            "HL*3*1*22*0",
            "CLM*CLM-C*120***11:B:1*Y*A*Y*Y",
            "HL*4**20*1",
            "NM1*85*1*NGUYEN*AN****XX*1003000126",
            "HL*5*4*22*1",
            "HL*6*5*23*0",
            "CLM*CLM-B*120***11:B:1*Y*A*Y*Y",
        ], segments.Where(s => s.StartsWith("HL*", StringComparison.Ordinal) || s.StartsWith("NM1*85", StringComparison.Ordinal) || s.StartsWith("CLM*", StringComparison.Ordinal)));
        var lake = segments.IndexOf("NM1*85*1*NGUYEN*AN****XX*1003000126");
        Assert.Equal(["N3*7 LAKE AVE", "N4*GOLDEN*CO*804011234", "REF*EI*990000001", "HL*5*4*22*1", "SBR*P**GRP-1******CI", "NM1*IL*1*DOE*MIA****MI*M123456"],
            segments.GetRange(lake + 1, 6));
        Assert.Equal("SE*55*0007", segments[^3]);
    }

    [Theory]
    [InlineData("Lopez", false, "NM1*82*1*LOPEZ*****XX*1245319599")]
    [InlineData("Lopez ,  Maria ", false, "NM1*82*1*LOPEZ*MARIA****XX*1245319599")]
    [InlineData("Lopez, Maria, Jr", false, "NM1*82*1*LOPEZ*MARIA, JR****XX*1245319599")]
    [InlineData("Mesa Imaging, LLC", true, "NM1*82*2*MESA IMAGING, LLC*****XX*1245319599")]
    public void Write_RenderingProvider_IsAPersonSplitAtTheFirstCommaOrAnOrganisation(string name, bool organisation, string expected)
    {
        var claim = Visit() with { RenderingProvider = new ClaimProvider("1245319599", name, organisation) };

        var segments = Write(claim);

        Assert.Equal(["HI*ABK:I10", expected, "LX*1"], segments.GetRange(segments.IndexOf("HI*ABK:I10"), 3));
    }

    /// <summary>Names and addresses go out in upper case with the spaces around them dropped; identifiers as given.</summary>
    [Fact]
    public void Write_NamesAndAddresses_AreUpperCaseAndTrimmed()
    {
        var jo = Jo with { LastName = " van Dyke ", FirstName = "jo ", Address = new Address(" 1 main st ", "denver ", "CO", "80202") };
        var claim = Visit() with
        {
            Patient = jo,
            Coverage = Visit().Coverage with { Subscriber = jo, PayerName = " Acme health ", MemberId = "m123456 " },
        };

        var segments = Write(claim);

        Assert.Equal(["NM1*IL*1*VAN DYKE*JO****MI*m123456", "N3*1 MAIN ST", "N4*DENVER*CO*80202", "DMG*D8*19800102*F", "NM1*PR*2*ACME HEALTH*****PI*ACMEHLTH"],
            segments.GetRange(segments.IndexOf("SBR*P*18*GRP-1******CI") + 1, 5));
    }

    /// <summary>
    /// N302 carries the second address line exactly when there is one, upper case and trimmed, for the billing provider
    /// (2010AA), the subscriber who is the patient (2010BA) and the patient (2010CA); without one N3 has one element.
    /// </summary>
    [Fact]
    public void Write_SecondAddressLine_IsN302ExactlyWhenGiven()
    {
        var clinic = Riverside with { Address = Riverside.Address! with { Line2 = " Suite 200" } };
        var jo = Jo with { Address = Jo.Address with { Line2 = "apt 4 " } };
        var self = Visit("CLM-A") with { Patient = jo, Coverage = Visit().Coverage with { Subscriber = jo }, BillingProvider = clinic };
        var child = Visit("CLM-B") with { Patient = jo, Coverage = Visit().Coverage with { Subscriber = Mia, Relationship = SubscriberRelationship.Child }, BillingProvider = clinic };
        var plain = Visit("CLM-C") with { BillingProvider = clinic };

        var segments = Write(self, child, plain);

        Assert.Equal(["NM1*85*2*RIVERSIDE FAMILY CLINIC*****XX*1234567893", "N3*400 RIVER RD*SUITE 200", "N4*DENVER*CO*802021234"], segments.GetRange(segments.IndexOf("HL*1**20*1") + 1, 3));
        Assert.Equal(["NM1*IL*1*DOE*JO****MI*M123456", "N3*1 MAIN ST*APT 4", "N4*DENVER*CO*80202"], segments.GetRange(segments.IndexOf("HL*2*1*22*0") + 2, 3));
        Assert.Equal(["NM1*QC*1*DOE*JO", "N3*1 MAIN ST*APT 4", "N4*DENVER*CO*80202"], segments.GetRange(segments.IndexOf("PAT*19") + 1, 3));
        Assert.Equal(["NM1*IL*1*DOE*JO****MI*M123456", "N3*1 MAIN ST", "N4*DENVER*CO*80202"], segments.GetRange(segments.IndexOf("HL*5*1*22*0") + 2, 3));
        Assert.Equal(4, segments.Count(s => s.StartsWith("N3*", StringComparison.Ordinal)));
    }

    [Fact]
    public void Write_CoverageWithoutAPlanNumber_LeavesSbr03Empty()
    {
        var claim = Visit() with { Coverage = Visit().Coverage with { PlanId = null! } };

        Assert.Equal("SBR*P*18*******CI", Write(claim)[13]);
    }

    /// <summary>SV1: the procedure with every modifier, the amount without trailing zeros, units with their decimal, the pointers in the line's order.</summary>
    [Fact]
    public void Write_ServiceLineComposites_AreWrittenAsTheGuideSays()
    {
        var claim = Visit() with
        {
            Diagnoses = ["E11.9", "I10", "Z00.00"],
            Lines =
            [
                new ServiceLine("97110", ["GP", "59", "KX", "XU"], 1.5m, 1234.56m, [2, 1, 3], "11", Served, "therapy"),
                new ServiceLine("A4550", null!, 2m, 18.50m, [3], "02", Served.PlusDays(1), "supplies"),
            ],
        };

        var segments = Write(claim);

        Assert.Equal(
        [
            "CLM*CLM-9*1253.06***11:B:1*Y*A*Y*Y",
            "HI*ABK:E119*ABF:I10*ABF:Z0000",
            "LX*1",
            "SV1*HC:97110:GP:59:KX:XU*1234.56*UN*1.5***2:1:3",
            "DTP*472*D8*20261116",
            "LX*2",
            "SV1*HC:A4550*18.5*UN*2*02**3",
            "DTP*472*D8*20261117",
            "SE*26*0007",
        ], segments.GetRange(segments.IndexOf("NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH") + 1, 9));
    }

    /// <summary>A replacement whose first line needs no authorisation: the claim's REF*G1 is the second line's, which does not repeat it.</summary>
    [Fact]
    public void Write_ReplacementWithTheOnlyAuthorisationOnTheSecondLine_PutsItAtClaimLevelOnce()
    {
        var visit = Visit();
        var claim = visit with
        {
            Frequency = ClaimFrequency.Replacement,
            PayerClaimNumber = "PCN-5",
            Coverage = visit.Coverage with
            {
                Benefits = visit.Coverage.Benefits with { PriorAuthorization = ["93306"] },
                Authorizations = [new Authorization("AUTH-9", "93306", Served, Served)],
            },
            Lines = [visit.Lines[0], new ServiceLine("93306", [], 1, 410m, [1], "11", Served, "imaging")],
        };

        var segments = Write(claim);

        Assert.Equal(
        [
            "CLM*CLM-9*530***11:B:7*Y*A*Y*Y",
            "REF*G1*AUTH-9",
            "REF*F8*PCN-5",
            "HI*ABK:I10",
            "LX*1",
            "SV1*HC:99213*120*UN*1***1",
            "DTP*472*D8*20261116",
            "LX*2",
            "SV1*HC:93306*410*UN*1***1",
            "DTP*472*D8*20261116",
            "SE*28*0007",
        ], segments.GetRange(segments.IndexOf("CLM*CLM-9*530***11:B:7*Y*A*Y*Y"), 11));
    }

    /// <summary>
    /// A tertiary claim: the primary decided line 2 at line level and line 1 at claim level, the secondary (the patient's
    /// mother's plan, no group number) decided both lines; each 2400 carries a 2430 for each payer that decided it.
    /// </summary>
    [Fact]
    public void Write_TwoEarlierPayers_EachLineCarriesTheDecisionsOfThePayersThatDecidedIt()
    {
        var visit = Visit();
        var primary = new PriorPayer("PRIME01", "Prime Health", "PH-778", "PG-9", Jo, SubscriberRelationship.Self, "CI", new LocalDate(2026, 11, 27), 20m,
            [new PayerAdjustment("CO", "45", 120m)], [new PriorLineAdjudication(2, 20m, [new PayerAdjustment("CO", "45", 10m)])]);
        var secondary = new PriorPayer("SECOND01", "Second Mutual", "SM-100", null, Mia, SubscriberRelationship.Child, "12", new LocalDate(2026, 12, 1), 130m,
            [], [new PriorLineAdjudication(1, 100m, [new PayerAdjustment("PR", "2", 20m)]), new PriorLineAdjudication(2, 30m, [])], "SM-CLAIM-1");
        var claim = visit with
        {
            Lines = [visit.Lines[0], new ServiceLine("81002", [], 1, 30m, [1], "11", Served, "lab")],
            PriorPayers = [primary, secondary],
        };

        var segments = Write(claim);

        Assert.Equal(
        [
            "SBR*T*18*GRP-1******CI",
            "NM1*IL*1*DOE*JO****MI*M123456",
            "N3*1 MAIN ST",
            "N4*DENVER*CO*80202",
            "DMG*D8*19800102*F",
            "NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH",
            "CLM*CLM-9*150***11:B:1*Y*A*Y*Y",
            "HI*ABK:I10",
            "SBR*P*18*PG-9******CI",
            "CAS*CO*45*120",
            "AMT*D*20",
            "OI***Y***Y",
            "NM1*IL*1*DOE*JO****MI*PH-778",
            "NM1*PR*2*PRIME HEALTH*****PI*PRIME01",
            "SBR*S*19*******12",
            "AMT*D*130",
            "OI***Y***Y",
            "NM1*IL*1*DOE*MIA****MI*SM-100",
            "NM1*PR*2*SECOND MUTUAL*****PI*SECOND01",
            "REF*F8*SM-CLAIM-1",
            "LX*1",
            "SV1*HC:99213*120*UN*1***1",
            "DTP*472*D8*20261116",
            "SVD*SECOND01*100*HC:99213**1",
            "CAS*PR*2*20",
            "DTP*573*D8*20261201",
            "LX*2",
            "SV1*HC:81002*30*UN*1***1",
            "DTP*472*D8*20261116",
            "SVD*PRIME01*20*HC:81002**1",
            "CAS*CO*45*10",
            "DTP*573*D8*20261127",
            "SVD*SECOND01*30*HC:81002**1",
            "DTP*573*D8*20261201",
            "SE*46*0007",
            "GE*1*7",
            "IEA*1*000000007",
        ], segments[13..]);
    }

    [Theory]
    [InlineData(SubscriberRelationship.Spouse, "01")]
    [InlineData(SubscriberRelationship.Child, "19")]
    [InlineData(SubscriberRelationship.Other, "G8")]
    public void Write_EarlierPayersSubscriberIsNotThePatient_Sbr02IsTheRelationship(SubscriberRelationship relationship, string code)
    {
        var prior = new PriorPayer("PRIME01", "Prime Health", "PH-778", null, Mia, relationship, "MC", new LocalDate(2026, 11, 27), 100m, [new PayerAdjustment("PR", "1", 20m)], []);

        var segments = Write(Visit() with { PriorPayers = [prior] });

        Assert.Equal(["SBR*S*18*GRP-1******CI", $"SBR*P*{code}*******MC"], segments.Where(s => s.StartsWith("SBR*", StringComparison.Ordinal)));
        Assert.Equal(["NM1*IL*1*DOE*MIA****MI*PH-778", "NM1*PR*2*PRIME HEALTH*****PI*PRIME01", "DTP*573*D8*20261127", "LX*1"],
            segments.GetRange(segments.IndexOf("OI***Y***Y") + 1, 4));
    }

    [Fact]
    public void Problems_EveryEnvelopeFieldWrong_ListsEachWithItsPath()
    {
        var envelope = new X12Envelope(string.Empty, new string('A', 61), " ", "303555010", "ABCDEFGHIJKLMNOP", string.Empty, 0, true);

        Assert.Equal(
        [
            "envelope.senderId: required",
            "envelope.receiverId: 2 to 15 characters, found 16",
            "envelope.senderName: at most 60 characters, found 61",
            "envelope.receiverName: required",
            "envelope.contactName: required",
            "envelope.contactPhone: 10 to 15 digits, found '303555010'",
            "envelope.controlNumber: must be from 1 to 999999999, found 0",
            "claims: at least one claim is needed",
        ], X12Writer.Problems([], envelope, Created).Texts());
    }

    [Theory]
    [InlineData("3035550100", 1)]
    [InlineData("303555010012345", 999_999_999)]
    public void Problems_EnvelopeAtItsLimits_IsValid(string phone, int control) =>
        Assert.Empty(X12Writer.Problems([Visit()], Envelope with { ContactPhone = phone, ControlNumber = control, SenderId = "AB", ReceiverId = "ABCDEFGHIJKLMNO" }, Created));

    [Theory]
    [InlineData("3035550100123456", 7, "envelope.contactPhone: 10 to 15 digits, found '3035550100123456'")]
    [InlineData("303-555-0100", 7, "envelope.contactPhone: 10 to 15 digits, found '303-555-0100'")]
    [InlineData("30355501OO", 7, "envelope.contactPhone: 10 to 15 digits, found '30355501OO'")]
    [InlineData("3035550100", 1_000_000_000, "envelope.controlNumber: must be from 1 to 999999999, found 1000000000")]
    [InlineData("3035550100", -1, "envelope.controlNumber: must be from 1 to 999999999, found -1")]
    public void Problems_PhoneOrControlNumberOutOfRange_IsRefused(string phone, int control, string expected) =>
        Assert.Equal([expected], X12Writer.Problems([Visit()], Envelope with { ContactPhone = phone, ControlNumber = control }, Created).Texts());

    [Fact]
    public void Write_InvalidClaims_ThrowWithEveryProblemOnItsOwnLine()
    {
        var error = Assert.Throws<ValidationException>(() => X12Writer.Write([Visit(), Visit(), Visit()], Envelope with { ContactPhone = "1" }, Created));

        Assert.Equal("claims", error.ParamName);
        Assert.Equal(["envelope.contactPhone: 10 to 15 digits, found '1'", "claims: id 'CLM-9' is used by 3 claims"], error.Errors.Texts());
        Assert.Contains($"envelope.contactPhone: 10 to 15 digits, found '1'{Environment.NewLine}claims: id 'CLM-9' is used by 3 claims", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_BirthAndDecisionDates_AreRefusedOnlyAfterTheCreationDate()
    {
        var prior = new PriorPayer("PRIME01", "Prime Health", "PH-778", null, Jo, SubscriberRelationship.Self, "CI", Created.Date, 100m, [new PayerAdjustment("PR", "1", 20m)], []);
        var onTheDay = Visit() with { Patient = Jo with { BirthDate = Created.Date }, Coverage = Visit().Coverage with { Subscriber = Jo with { BirthDate = Created.Date } }, PriorPayers = [prior] };

        Assert.Empty(Problems(onTheDay));
        Assert.Equal(["claims[0].patient.birthDate: after the file's creation date"],
            Problems(onTheDay with { Patient = Jo with { BirthDate = Created.Date.PlusDays(1) }, Coverage = onTheDay.Coverage with { Subscriber = Jo with { BirthDate = Created.Date.PlusDays(1) } } }));
    }

    /// <summary>A missing patient, line or earlier payer is reported by its path, not thrown on.</summary>
    [Fact]
    public void Problems_NullPartsOfAClaim_AreReportedNotThrown()
    {
        var visit = Visit();

        Assert.Equal(["claims[0].patient: required"], Problems(visit with { Patient = null! }));
        Assert.Equal(["claims[0].lines[1]: must not be null"], Problems(visit with { Lines = [visit.Lines[0], null!] }));
        Assert.Equal(["claims[0].lines: a claim has 1 to 50 service lines, found 0"], Problems(visit with { Lines = null! }));
        Assert.Equal(["claims[0].priorPayers[0]: must not be null"], Problems(visit with { PriorPayers = [null!] }));
    }

    [Fact]
    public void Problems_SecondClaimInvalid_NamesItsIndex()
    {
        var late = Visit("CLM-10") with { Lines = [Visit().Lines[0] with { DateOfService = Created.Date.PlusDays(1) }] };

        Assert.Equal(["claims[1].lines[0].dateOfService: after the file's creation date"], Problems(Visit(), late));
    }
}
