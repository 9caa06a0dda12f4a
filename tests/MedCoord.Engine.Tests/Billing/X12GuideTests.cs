using MedCoord.Engine.Billing;
using MedCoord.Scheduling.Validation;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// The 837P's situational rules (005010X222A1), one test per rule on the file the writer produces, each file also
/// passing the independent guide checker; and the checker itself, shown to catch each rule broken by hand.
/// </summary>
public sealed class X12GuideTests
{
    private static readonly ZonedDateTime Created = new LocalDateTime(2026, 12, 8, 9, 30).InZoneStrictly(DateTimeZoneProviders.Tzdb["America/Denver"]);
    private static readonly X12Envelope Envelope = new("MEDCOORD01", "Riverside Family Clinic", "Billing Office", "3035550100", "ACMEHLTH", "Acme Health Plan", 7, false);
    private static readonly LocalDate Served = new(2026, 11, 16);
    private static readonly Person Jo = new("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 2), "F", new Address("1 Main St", "Denver", "CO", "80202"));

    /// <summary>A small claim: the patient is the subscriber, an echo that needs (and has) an authorisation, an office visit elsewhere.</summary>
    private static Claim Small() => new(
        "CLM-1",
        "visit-1",
        Jo,
        new Coverage("cov-1", "ACMEHLTH", "Acme Health Plan", "GRP-1", "M123456", Jo, SubscriberRelationship.Self, new LocalDate(2026, 1, 1), null,
            new Benefits(new Dictionary<string, decimal>(), new Accumulator(0, 0), 20, new Accumulator(1000, 0), ["93306"]),
            [new Authorization("AUTH-1", "93306", new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 30))], "MB"),
        new ClaimProvider("1234567893", "Riverside Family Clinic", true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234")),
        new ClaimProvider("1245319599", "Lopez, Maria", false),
        ["I10", "E11.9"],
        [
            new ServiceLine("93306", ["26"], 1, 410m, [1], "11", Served, "imaging"),
            new ServiceLine("99213", [], 1, 120m, [1, 2], "02", Served, "office-visit"),
        ],
        ClaimStatus.Draft,
        []);

    /// <summary>The small claim billed to Medicare after another payer: SBR05 says why Medicare is secondary (12, working aged).</summary>
    private static Claim MedicareSecondary() => Small() with { Coverage = Small().Coverage with { MedicareSecondaryType = "12" } };

    private static PriorPayer Primary(params PriorLineAdjudication[] lines) => new("PRIME01", "Prime Health", "PH-778", "PG-9",
        Jo, SubscriberRelationship.Self, "CI", new LocalDate(2026, 11, 27), 250m,
        lines.Length == 0 ? [new PayerAdjustment("CO", "45", 220m), new PayerAdjustment("PR", "2", 60m)] : [], lines);

    private static string Write(params Claim[] claims)
    {
        var x12 = X12Writer.Write(claims, Envelope, Created);
        Assert.Empty(X12Check.Problems(x12));
        return x12;
    }

    private static List<string> Segments(string x12) => [.. x12.Split("~\n", StringSplitOptions.RemoveEmptyEntries)];

    private static List<string> Problems(params Claim[] claims) => X12Writer.Problems(claims, Envelope, Created).Texts();

    /// <summary>Every segment of a full small claim, written out by hand from the guide.</summary>
    [Fact]
    public void Write_SmallClaim_IsExactlyTheseSegments()
    {
        Assert.Equal(
            """
            ISA*00*          *00*          *ZZ*MEDCOORD01     *ZZ*ACMEHLTH       *261208*0930*^*00501*000000007*0*T*:~
            GS*HC*MEDCOORD01*ACMEHLTH*20261208*0930*7*X*005010X222A1~
            ST*837*0007*005010X222A1~
            BHT*0019*00*000000007*20261208*0930*CH~
            NM1*41*2*RIVERSIDE FAMILY CLINIC*****46*MEDCOORD01~
            PER*IC*BILLING OFFICE*TE*3035550100~
            NM1*40*2*ACME HEALTH PLAN*****46*ACMEHLTH~
            HL*1**20*1~
            NM1*85*2*RIVERSIDE FAMILY CLINIC*****XX*1234567893~
            N3*400 RIVER RD~
            N4*DENVER*CO*802021234~
            REF*EI*841234567~
            HL*2*1*22*0~
            SBR*P*18*GRP-1******MB~
            NM1*IL*1*DOE*JO****MI*M123456~
            N3*1 MAIN ST~
            N4*DENVER*CO*80202~
            DMG*D8*19800102*F~
            NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH~
            CLM*CLM-1*530***11:B:1*Y*A*Y*Y~
            REF*G1*AUTH-1~
            HI*ABK:I10*ABF:E119~
            NM1*82*1*LOPEZ*MARIA****XX*1245319599~
            LX*1~
            SV1*HC:93306:26*410*UN*1***1~
            DTP*472*D8*20261116~
            LX*2~
            SV1*HC:99213*120*UN*1*02**1:2~
            DTP*472*D8*20261116~
            SE*28*0007~
            GE*1*7~
            IEA*1*000000007~

            """.ReplaceLineEndings("\n"),
            Write(Small()));
    }

    /// <summary>2010BA N3/N4/DMG only when the patient is the subscriber; otherwise 2000C with PAT and 2010CA carry the patient.</summary>
    [Theory]
    [InlineData(SubscriberRelationship.Child, "19")]
    [InlineData(SubscriberRelationship.Spouse, "01")]
    [InlineData(SubscriberRelationship.Other, "G8")]
    public void Write_PatientIsNotTheSubscriber_SubscriberLoopHasNoAddressOrDemographicsAndPatLeadsThePatientLoop(SubscriberRelationship relationship, string code)
    {
        var mother = new Person("sub-1", "Doe", "Mia", new LocalDate(1979, 5, 6), "F", new Address("9 Oak St", "Boulder", "CO", "803021234"));
        var claim = Small() with { Coverage = Small().Coverage with { Subscriber = mother, Relationship = relationship } };

        var segments = Segments(Write(claim));

        var subscriber = segments.IndexOf("NM1*IL*1*DOE*MIA****MI*M123456");
        Assert.Equal(["HL*2*1*22*1", "SBR*P**GRP-1******MB", "NM1*IL*1*DOE*MIA****MI*M123456", "NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH",
            "HL*3*2*23*0", $"PAT*{code}", "NM1*QC*1*DOE*JO", "N3*1 MAIN ST", "N4*DENVER*CO*80202", "DMG*D8*19800102*F", "CLM*CLM-1*530***11:B:1*Y*A*Y*Y"],
            segments.GetRange(subscriber - 2, 11));
        Assert.DoesNotContain(segments, s => s.Contains("OAK ST", StringComparison.Ordinal) || s.Contains("19790506", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_SampleChildClaim_PassesTheCheckerWithThePatientLoop()
    {
        var batch = ClaimTests.Sample();

        var segments = Segments(Write(batch.Claims[1]));

        Assert.Contains("PAT*19", segments);
        Assert.Equal("NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH", segments[segments.IndexOf("NM1*IL*1*CHEN*MEI****MI*ACM987654321") + 1]);
        Assert.Contains("SV1*HC:A4550:RT*18.5*UN*2***2", segments);
    }

    [Theory]
    [InlineData("CI")]
    [InlineData("MB")]
    [InlineData("MC")]
    [InlineData("BL")]
    [InlineData("HM")]
    [InlineData("11")]
    [InlineData("ZZ")]
    public void Write_ClaimFilingIndicator_ComesFromTheCoverage(string code)
    {
        var claim = Small() with { Coverage = Small().Coverage with { ClaimFilingIndicator = code } };

        Assert.Contains($"SBR*P*18*GRP-1******{code}", Segments(Write(claim)));
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("ci")]
    [InlineData("")]
    public void Problems_ClaimFilingIndicatorNotOnTheList_IsRefusedWithItsPath(string code)
    {
        var claim = Small() with { Coverage = Small().Coverage with { ClaimFilingIndicator = code } };

        Assert.Equal(["claims[0].coverage.claimFilingIndicator: must be one of 11, 12, 13, 14, 15, 16, 17, AM, BL, CH, CI, DS, FI, HM, LM, MA, MB, MC, OF, TV, VA, WC, ZZ"], Problems(claim));
    }

    [Fact]
    public void Problems_ServiceNeedsAnAuthorisationThatIsMissing_IsRefused()
    {
        var claim = Small() with { Coverage = Small().Coverage with { Authorizations = [] } };

        Assert.Equal(["claims[0].lines[0].procedureCode: 93306 needs a prior authorisation and none is on file"], Problems(claim));
        Assert.Throws<ValidationException>(() => X12Writer.Write([claim], Envelope, Created));
    }

    [Theory]
    [InlineData(2026, 11, 1, 2026, 11, 15)]  // expired the day before the service
    [InlineData(2026, 11, 17, 2026, 12, 31)] // in force only from the day after
    public void Problems_AuthorisationThatDoesNotCoverTheDateOfService_IsRefused(int fy, int fm, int fd, int ty, int tm, int td)
    {
        var claim = Small() with { Coverage = Small().Coverage with { Authorizations = [new Authorization("AUTH-1", "93306", new LocalDate(fy, fm, fd), new LocalDate(ty, tm, td))] } };

        Assert.Equal(["claims[0].lines[0].procedureCode: 93306 needs a prior authorisation; authorisation 'AUTH-1' does not cover the date of service (expired or not yet in force)"], Problems(claim));
    }

    [Fact]
    public void Write_AuthorisationsOfTwoLines_TheFirstAtClaimLevelTheOtherOnItsLine()
    {
        var small = Small();
        var claim = small with
        {
            Coverage = small.Coverage with { Authorizations = [.. small.Coverage.Authorizations, new Authorization("AUTH-2", "99213", Served, Served)] },
        };

        var segments = Segments(Write(claim));

        Assert.Equal(["CLM*CLM-1*530***11:B:1*Y*A*Y*Y", "REF*G1*AUTH-1", "HI*ABK:I10*ABF:E119"], segments.GetRange(segments.IndexOf("CLM*CLM-1*530***11:B:1*Y*A*Y*Y"), 3));
        Assert.Equal(["SV1*HC:99213*120*UN*1*02**1:2", "DTP*472*D8*20261116", "REF*G1*AUTH-2", "SE*29*0007"], segments.GetRange(segments.IndexOf("SV1*HC:99213*120*UN*1*02**1:2"), 4));
        Assert.Single(segments, "REF*G1*AUTH-1");
    }

    [Fact]
    public void Write_NoAuthorisationOnFile_NoReference()
    {
        var claim = Small() with { Lines = [Small().Lines[1]] };

        Assert.DoesNotContain(Segments(Write(claim)), s => s.StartsWith("REF*G1", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_BillingProviderWithoutZipPlusFourOrWithAPostOfficeBox_IsRefused()
    {
        var small = Small();
        var claim = small with { BillingProvider = small.BillingProvider with { Address = new Address("PO Box 12", "Denver", "CO", "80202") } };

        Assert.Equal(
        [
            "claims[0].billingProvider.address.postalCode: the billing provider's ZIP code must have all 9 digits (ZIP+4)",
            "claims[0].billingProvider.address.line1: the billing provider's address must be a street address, not a post office box",
        ], Problems(claim));
    }

    [Fact]
    public void Write_PatientZipPlusFour_IsWrittenAsGiven()
    {
        var jo = Jo with { Address = Jo.Address with { PostalCode = "802021111" } };
        var claim = Small() with { Patient = jo, Coverage = Small().Coverage with { Subscriber = jo } };

        Assert.Contains("N4*DENVER*CO*802021111", Segments(Write(claim)));
    }

    [Fact]
    public void Problems_DatesAfterTheFileCreationDate_AreRefused()
    {
        var small = Small();
        var late = small with
        {
            Lines = [small.Lines[0], small.Lines[1] with { DateOfService = Created.Date.PlusDays(1) }],
            Coverage = small.Coverage with { Authorizations = [small.Coverage.Authorizations[0] with { To = new LocalDate(2026, 12, 31) }] },
        };

        Assert.Equal(["claims[0].lines[1].dateOfService: after the file's creation date"], Problems(late));
        Assert.Empty(Problems(late with { Lines = [small.Lines[0], small.Lines[1] with { DateOfService = Created.Date }] }));

        // The creation date is the local date of the file's time: 01:00 UTC on the 9th is still the 8th in Denver.
        Assert.Empty(X12Writer.Problems([late], Envelope, Instant.FromUtc(2026, 12, 9, 1, 0).InUtc()));
        Assert.Single(X12Writer.Problems([late], Envelope, Instant.FromUtc(2026, 12, 9, 1, 0).InZone(DateTimeZoneProviders.Tzdb["America/Denver"])));
    }

    [Theory]
    [InlineData(ClaimFrequency.Replacement, "7")]
    [InlineData(ClaimFrequency.Void, "8")]
    public void Write_ReplacementOrVoid_CarriesTheFrequencyAndThePayersClaimNumber(ClaimFrequency frequency, string code)
    {
        var claim = Small() with { Frequency = frequency, PayerClaimNumber = "PCN-778899" };

        var segments = Segments(Write(claim));

        Assert.Equal([$"CLM*CLM-1*530***11:B:{code}*Y*A*Y*Y", "REF*G1*AUTH-1", "REF*F8*PCN-778899", "HI*ABK:I10*ABF:E119"],
            segments.GetRange(segments.IndexOf($"CLM*CLM-1*530***11:B:{code}*Y*A*Y*Y"), 4));
    }

    [Fact]
    public void Problems_PayersClaimNumberMissingOrOnAnOriginal_IsRefused()
    {
        Assert.Equal(["claims[0].payerClaimNumber: a replacement or void needs the payer's claim number"], Problems(Small() with { Frequency = ClaimFrequency.Void }));
        Assert.Equal(["claims[0].payerClaimNumber: only a replacement or void carries the payer's claim number"], Problems(Small() with { PayerClaimNumber = "PCN-1" }));
    }

    /// <summary>A secondary claim with the primary's line decisions: 2320 AMT*D, OI, 2330A, 2330B, then 2430 SVD/CAS/DTP*573 per line.</summary>
    [Fact]
    public void Write_SecondaryWithLineDecisions_CarriesThePrimarysAdjudication()
    {
        var claim = MedicareSecondary() with
        {
            PriorPayers =
            [
                Primary(
                    new PriorLineAdjudication(1, 200m, [new PayerAdjustment("CO", "45", 150m), new PayerAdjustment("PR", "2", 40m), new PayerAdjustment("CO", "253", 20m)]),
                    new PriorLineAdjudication(2, 50m, [new PayerAdjustment("PR", "1", 70m)])),
            ],
        };

        var segments = Segments(Write(claim));

        var start = segments.IndexOf("NM1*82*1*LOPEZ*MARIA****XX*1245319599");
        Assert.Equal(
        [
            "NM1*82*1*LOPEZ*MARIA****XX*1245319599",
            "SBR*P*18*PG-9******CI",
            "AMT*D*250",
            "OI***Y***Y",
            "NM1*IL*1*DOE*JO****MI*PH-778",
            "NM1*PR*2*PRIME HEALTH*****PI*PRIME01",
            "LX*1",
            "SV1*HC:93306:26*410*UN*1***1",
            "DTP*472*D8*20261116",
            "SVD*PRIME01*200*HC:93306:26**1",
            "CAS*CO*45*150**253*20",
            "CAS*PR*2*40",
            "DTP*573*D8*20261127",
            "LX*2",
            "SV1*HC:99213*120*UN*1*02**1:2",
            "DTP*472*D8*20261116",
            "SVD*PRIME01*50*HC:99213**1",
            "CAS*PR*1*70",
            "DTP*573*D8*20261127",
        ], segments.GetRange(start, 19));
        Assert.Contains("SBR*S*18*GRP-1**12****MB", segments);
    }

    [Fact]
    public void Write_SecondaryDecidedAtClaimLevel_CarriesClaimAdjustmentsAndTheDateIn2330B()
    {
        var claim = MedicareSecondary() with { PriorPayers = [Primary() with { PayerClaimNumber = "PH-CLAIM-5" }] };

        var segments = Segments(Write(claim));

        var start = segments.IndexOf("SBR*P*18*PG-9******CI");
        Assert.Equal(["SBR*P*18*PG-9******CI", "CAS*CO*45*220", "CAS*PR*2*60", "AMT*D*250", "OI***Y***Y", "NM1*IL*1*DOE*JO****MI*PH-778",
            "NM1*PR*2*PRIME HEALTH*****PI*PRIME01", "DTP*573*D8*20261127", "REF*F8*PH-CLAIM-5", "LX*1"], segments.GetRange(start, 10));
        Assert.DoesNotContain(segments, s => s.StartsWith("SVD", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_TertiaryClaim_SequencesThePayers()
    {
        var second = Primary() with { PayerId = "SECOND01", PayerName = "Second Mutual", Relationship = SubscriberRelationship.Spouse, ClaimFilingIndicator = "12" };
        var claim = MedicareSecondary() with { PriorPayers = [Primary(), second] };

        var segments = Segments(Write(claim));

        Assert.Equal(["SBR*T*18*GRP-1**12****MB", "SBR*P*18*PG-9******CI", "SBR*S*01*PG-9******12"], segments.Where(s => s.StartsWith("SBR", StringComparison.Ordinal)));
    }

    [Fact]
    public void Problems_EarlierPayerThatDoesNotBalance_IsRefusedWithItsPath()
    {
        var claim = MedicareSecondary() with
        {
            PriorPayers =
            [
                Primary(new PriorLineAdjudication(1, 200m, [new PayerAdjustment("CO", "45", 150m)]), new PriorLineAdjudication(3, 50m, [new PayerAdjustment("XY", "2!", 0m)])) with
                {
                    AdjudicatedOn = new LocalDate(2026, 11, 10),
                },
            ],
        };

        Assert.Equal(
        [
            "claims[0].priorPayers[0].adjudicatedOn: before a date of service on the claim",
            "claims[0].priorPayers[0].lines[0]: paid 200 and adjustments 150 do not add up to the line's charge 410",
            "claims[0].priorPayers[0].lines[1].adjustments[0].group: must be CO, CR, OA, PI or PR",
            "claims[0].priorPayers[0].lines[1].adjustments[0].reason: must be a claim adjustment reason code: 1 to 5 upper-case letters or digits",
            "claims[0].priorPayers[0].lines[1].adjustments[0].amount: must not be zero",
            "claims[0].priorPayers[0].lines[1].line: the claim has no line 3",
            "claims[0].priorPayers[0]: paid 250 and all adjustments 150 do not add up to the claim's charge 530",
        ], Problems(claim));
    }

    [Fact]
    public void Problems_EarlierPayerDecidingAfterTheFileIsCreated_IsRefused()
    {
        var claim = MedicareSecondary() with { PriorPayers = [Primary() with { AdjudicatedOn = new LocalDate(2026, 12, 9) }] };

        Assert.Equal(["claims[0].priorPayers[0].adjudicatedOn: after the file's creation date"], Problems(claim));
    }

    [Fact]
    public void Problems_IdsShorterThanTheGuideAllows_AreRefused()
    {
        var claim = Small() with { Coverage = Small().Coverage with { MemberId = "M", PayerId = "A" } };

        Assert.Equal(["envelope.senderId: 2 to 15 characters, found 1", "envelope.receiverName: character 6 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
            "claims[0].coverage.payerId: 2 to 80 characters, found 1", "claims[0].coverage.memberId: 2 to 80 characters, found 1"],
            X12Writer.Problems([claim], Envelope with { SenderId = "M", ReceiverName = "Acme É" }, Created).Texts());
    }

    [Fact]
    public void Write_PlaceOfServiceOnALine_OnlyWhenItDiffersFromTheClaims()
    {
        var small = Small();
        var claim = small with { Lines = [small.Lines[0], small.Lines[1] with { PlaceOfService = "11" }] };

        Assert.Contains("SV1*HC:99213*120*UN*1***1:2", Segments(Write(claim)));
    }

    [Fact]
    public void Write_RenderingProviderWhoIsTheBillingProvider_HasNo2310B()
    {
        var small = Small();
        var claim = small with { RenderingProvider = new ClaimProvider(small.BillingProvider.Npi, "Riverside Family Clinic", true) };

        Assert.DoesNotContain(Segments(Write(claim)), s => s.StartsWith("NM1*82", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Muñoz", "character 3")]
    [InlineData("Doe*Smith", "character 4")]
    [InlineData("Doe~", "character 4")]
    [InlineData("O'Brien #2", "character 9")]
    public void Problems_TextOutsideTheBasicCharacterSet_NamesThePathAndPositionNotTheText(string lastName, string where)
    {
        var claim = Small() with { Patient = Jo with { LastName = lastName }, Coverage = Small().Coverage with { Subscriber = Jo with { LastName = lastName } } };

        var problems = Problems(claim);

        Assert.Equal(
        [
            $"claims[0].patient.lastName: {where} is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
            $"claims[0].coverage.subscriber.lastName: {where} is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
        ], problems);
        Assert.DoesNotContain(problems, p => p.Contains(lastName[..3], StringComparison.Ordinal));
    }

    [Fact]
    public void Write_SampleClaims_PassTheGuideCheckerWithModifiersAuthorisationAndSecondaryPayer()
    {
        var batch = ClaimTests.Sample();

        var segments = Segments(X12Writer.Write(batch.Claims, batch.Envelope, Created));

        Assert.Empty(X12Check.Problems(string.Join(string.Empty, segments.Select(s => s + "~\n"))));
        Assert.Contains("SV1*HC:99214:25*185*UN*1***1:2", segments);
        Assert.Contains("REF*G1*AUTH-77", segments);
        Assert.Contains("SBR*S*18*SM-100******12", segments);
        Assert.Contains("SVD*ACMEHLTH*250*HC:93306:26**1", segments);
        Assert.Equal(["HL*1**20*1", "HL*2*1*22*0", "HL*3*1*22*1", "HL*4*3*23*0", "HL*5*1*22*0"], segments.Where(s => s.StartsWith("HL*", StringComparison.Ordinal)));
    }

    /// <summary>The checker catches each rule broken by hand in a good file.</summary>
    [Theory]
    [InlineData("SBR*P*18*GRP-1", "SBR*P**GRP-1", "SBR02 is 18 exactly when there is no 2000C")]
    [InlineData("DMG*D8*19800102*F~\n", "", "2010BA needs N3, N4 and DMG when the patient is the subscriber")]
    [InlineData("******MB~", "******XY~", "SBR09 must be a claim filing indicator code")]
    [InlineData("SBR*P*18", "SBR*Q*18", "SBR01 must be a payer responsibility sequence code")]
    [InlineData("N4*DENVER*CO*802021234", "N4*DENVER*CO*80202", "the billing provider's ZIP code must have 9 digits")]
    [InlineData("N4*DENVER*CO*80202~", "N4*DENVER*CO*8020~", "a ZIP code of 5 or 9 digits")]
    [InlineData("N3*400 RIVER RD", "N3*PO BOX 400", "must be a street address")]
    [InlineData("N3*400 RIVER RD", "N3*400 RIVER RD*PO BOX 400", "must be a street address")]
    [InlineData("DTP*472*D8*20261116~\nLX*2", "DTP*472*D8*20261209~\nLX*2", "after the file's creation date")]
    [InlineData("DTP*472*D8*20261116~\nLX*2", "DTP*472*D8*20261131~\nLX*2", "DTP: a qualifier, D8 and a date")]
    [InlineData("11:B:1", "11:B:7", "REF*F8 is sent exactly for a replacement (7) or void (8)")]
    [InlineData("11:B:1", "11:B:5", "CLM: an id of 1 to 38 characters")]
    [InlineData("REF*G1*AUTH-1~\n", "REF*G1*AUTH-1~\nREF*G1*AUTH-2~\n", "unknown, repeated or out of order")]
    [InlineData("REF*G1*AUTH-1~\nHI*ABK:I10*ABF:E119~\n", "HI*ABK:I10*ABF:E119~\nREF*G1*AUTH-1~\n", "loop 2300: REF is out of order")]
    [InlineData("DTP*472*D8*20261116~\nLX*2", "DTP*472*D8*20261116~\nREF*G1*AUTH-1~\nLX*2", "has REF*G1 more than once or the same as the claim's")]
    [InlineData("*02**1:2", "*11**1:2", "repeats the claim's place of service in SV105")]
    [InlineData("*02**1:2", "*02**1:3", "points to a diagnosis the claim does not have")]
    [InlineData("SV1*HC:99213*120", "SV1*HC:99213*121", "CLM02 530 is not the sum of its lines' charges 531")]
    [InlineData("XX*1245319599", "XX*1234567893", "2310B repeats the billing provider")]
    [InlineData("XX*1245319599", "XX*1245319598", "not an NPI with a valid check digit")]
    [InlineData("SE*28*0007", "SE*27*0007", "SE does not match ST")]
    [InlineData("ISA*00*          *", "ISA*00*         *", "ISA is 105 characters")]
    [InlineData("*0*T*:", "*0*X*:", "ISA: an element is not one of its codes")]
    [InlineData("HL*2*1*22*0", "HL*2*1*22*1", "HL 2 has child code 1 but has no children")]
    [InlineData("DMG*D8*19800102*F", "DMG*D8*19800102*X", "DMG: D8, a date")]
    [InlineData("RIVERSIDE FAMILY CLINIC*****XX", "RIVERSIDE FAMILY CLÍNIC*****XX", "character U+00CD is outside the basic character set")]
    [InlineData("HI*ABK:I10*ABF:E119", "HI*ABF:I10*ABK:E119", "HI: 1 to 12 codes, ABK first then ABF")]
    [InlineData("NM1*PR*2*ACME HEALTH PLAN*****PI", "NM1*PR*2*ACME HEALTH PLAN*****ZZ", "NM108 must be PI/XV")]
    public void Check_RuleBrokenByHand_IsReported(string find, string replace, string expected)
    {
        var good = Write(Small());
        Assert.Contains(find, good);

        var problems = X12Check.Problems(good.Replace(find, replace, StringComparison.Ordinal));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>The checker catches broken coordination of benefits.</summary>
    [Theory]
    [InlineData("AMT*D*250", "AMT*D*240", "AMT*D 240 is not the sum of its SVD02 amounts")]
    [InlineData("CAS*PR*1*70", "CAS*PR*1*60", "do not balance to the line charge 120")]
    [InlineData("SVD*PRIME01*50", "SVD*OTHER01*50", "SVD01 OTHER01 names no 2330B payer")]
    [InlineData("CAS*PR*1*70~\nDTP*573*D8*20261127~\n", "CAS*PR*1*70~\n", "loop 2430: DTP*573 appears 0 times")]
    [InlineData("OI***Y***Y", "OI***X***Y", "OI: OI03 N/W/Y")]
    [InlineData("SBR*P*18*PG-9", "SBR*S*18*PG-9", "payer responsibility sequences S,S repeat")]
    [InlineData("SBR*P*18*PG-9", "SBR*P*99*PG-9", "SBR02 must be an individual relationship code in 2320")]
    [InlineData("NM1*PR*2*PRIME HEALTH*****PI*PRIME01~\n", "NM1*PR*2*PRIME HEALTH*****PI*PRIME01~\nDTP*573*D8*20261127~\n", "DTP*573 for payer PRIME01 is sent exactly when it has no 2430")]
    [InlineData("AMT*D*250~\n", "", "has no AMT*D paid amount")]
    [InlineData("NM1*IL*1*DOE*JO****MI*PH-778~\n", "", "2320 needs 2330A and 2330B")]
    public void Check_CoordinationBrokenByHand_IsReported(string find, string replace, string expected)
    {
        var good = Write(MedicareSecondary() with
        {
            PriorPayers = [Primary(new PriorLineAdjudication(1, 200m, [new PayerAdjustment("CO", "45", 210m)]), new PriorLineAdjudication(2, 50m, [new PayerAdjustment("PR", "1", 70m)]))],
        });
        Assert.Contains(find, good);

        var problems = X12Check.Problems(good.Replace(find, replace, StringComparison.Ordinal));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
