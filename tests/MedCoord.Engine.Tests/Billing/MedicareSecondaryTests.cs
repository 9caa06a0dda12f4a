using MedCoord.Engine.Billing;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// Medicare billed after another payer (005010X222A1): SBR05, the insurance type code, says why Medicare is secondary.
/// The guide requires it in 2000B when the payer billed is Medicare (SBR09 MA or MB) and SBR01 is not P, and in 2320
/// when the earlier payer is Medicare and not the primary; it is not sent otherwise. The expected segments are written
/// by hand from the guide.
/// </summary>
public sealed class MedicareSecondaryTests
{
    private const string Codes = "12, 13, 14, 15, 16, 41, 42, 43, 47";

    private static readonly ZonedDateTime Created = new LocalDateTime(2026, 12, 8, 9, 30).InZoneStrictly(DateTimeZoneProviders.Tzdb["America/Denver"]);
    private static readonly X12Envelope Envelope = new("MEDCOORD01", "Riverside Family Clinic", "Billing Office", "3035550100", "MCRPARTB", "Medicare Part B", 12, false);
    private static readonly LocalDate Served = new(2026, 11, 16);
    private static readonly Person Jo = new("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 2), "F", new Address("1 Main St", "Denver", "CO", "80202"));

    /// <summary>An office visit billed to Medicare Part B (no group number) after the employer plan paid 80 of 120.</summary>
    private static Claim MedicareAfterEmployerPlan(string? type = "12") => new(
        "CLM-9",
        "visit-9",
        Jo,
        new Coverage("cov-m", "MCRB01", "Medicare Part B", string.Empty, "1EG4TE5MK73", Jo, SubscriberRelationship.Self, new LocalDate(2026, 1, 1), null,
            new Benefits(new Dictionary<string, decimal>(), new Accumulator(0, 0), 20, new Accumulator(1000, 0), []), [], "MB", type),
        new ClaimProvider("1234567893", "Riverside Family Clinic", true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234")),
        null,
        ["I10"],
        [new ServiceLine("99213", [], 1, 120m, [1], "11", Served, "office-visit")],
        ClaimStatus.Draft,
        [],
        PriorPayers: [EmployerPlan()]);

    /// <summary>The employer group plan (PPO, 12) that paid first: 80 paid, 20 contractual, 20 deductible.</summary>
    private static PriorPayer EmployerPlan() => new("PRIME01", "Prime Health", "PH-778", "PG-9", Jo, SubscriberRelationship.Self, "12", new LocalDate(2026, 11, 27), 80m,
        [new PayerAdjustment("CO", "45", 20m), new PayerAdjustment("PR", "2", 20m)], []);

    /// <summary>Medicare Part B deciding second: 16 paid, 84 contractual, 20 coinsurance.</summary>
    private static PriorPayer MedicareDecided(string? type) => new("MCRB01", "Medicare Part B", "1EG4TE5MK73", null, Jo, SubscriberRelationship.Self, "MB", new LocalDate(2026, 12, 3), 16m,
        [new PayerAdjustment("CO", "45", 84m), new PayerAdjustment("PR", "2", 20m)], [], MedicareSecondaryType: type);

    /// <summary>A supplemental commercial plan billed third, after the employer plan and Medicare.</summary>
    private static Claim SupplementAfterMedicare(string? medicareType) => MedicareAfterEmployerPlan(null) with
    {
        Coverage = MedicareAfterEmployerPlan().Coverage with
        {
            PayerId = "SUPP01", PayerName = "Supplement Mutual", PlanId = "SG-3", MemberId = "SUP-55", ClaimFilingIndicator = "CI", MedicareSecondaryType = null,
        },
        PriorPayers = [EmployerPlan(), MedicareDecided(medicareType)],
    };

    private static List<string> Problems(Claim claim) => X12Writer.Problems([claim], Envelope, Created).Texts();

    private static List<string> Sbr(Claim claim)
    {
        var x12 = X12Writer.Write([claim], Envelope, Created);
        Assert.Empty(X12Check.Problems(x12));
        return [.. x12.Split("~\n").Where(s => s.StartsWith("SBR*", StringComparison.Ordinal))];
    }

    /// <summary>The whole file: 2000B SBR*S with SBR05 12 (working aged, employer group health plan) and SBR09 MB; 2320 for the employer plan without SBR05.</summary>
    [Theory]
    [InlineData("SBR*S*18***12****MB~", "SBR*S*18*******MB~", "SBR: SBR05 must be a Medicare secondary payer type when Medicare is not primary")]
    [InlineData("SBR*S*18***12****MB~", "SBR*S*18***99****MB~", "SBR: SBR05 must be a Medicare secondary payer type when Medicare is not primary")]
    [InlineData("SBR*P*18*PG-9******12~", "SBR*P*18*PG-9**12****12~", "SBR: SBR05 is used only when Medicare is a secondary payer")]
    public void Checker_ASbr05MissingWrongOrOutOfPlace_IsCaught(string written, string changed, string problem)
    {
        var x12 = X12Writer.Write([MedicareAfterEmployerPlan("12")], Envelope, Created);
        Assert.Contains(written, x12, StringComparison.Ordinal);

        Assert.Contains(X12Check.Problems(x12.Replace(written, changed, StringComparison.Ordinal)), p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Write_MedicareAfterTheEmployerPlan_IsExactlyTheseSegments()
    {
        var x12 = X12Writer.Write([MedicareAfterEmployerPlan()], Envelope, Created);

        Assert.Equal(
            """
            ISA*00*          *00*          *ZZ*MEDCOORD01     *ZZ*MCRPARTB       *261208*0930*^*00501*000000012*0*T*:~
            GS*HC*MEDCOORD01*MCRPARTB*20261208*0930*12*X*005010X222A1~
            ST*837*0012*005010X222A1~
            BHT*0019*00*000000012*20261208*0930*CH~
            NM1*41*2*RIVERSIDE FAMILY CLINIC*****46*MEDCOORD01~
            PER*IC*BILLING OFFICE*TE*3035550100~
            NM1*40*2*MEDICARE PART B*****46*MCRPARTB~
            HL*1**20*1~
            NM1*85*2*RIVERSIDE FAMILY CLINIC*****XX*1234567893~
            N3*400 RIVER RD~
            N4*DENVER*CO*802021234~
            REF*EI*841234567~
            HL*2*1*22*0~
            SBR*S*18***12****MB~
            NM1*IL*1*DOE*JO****MI*1EG4TE5MK73~
            N3*1 MAIN ST~
            N4*DENVER*CO*80202~
            DMG*D8*19800102*F~
            NM1*PR*2*MEDICARE PART B*****PI*MCRB01~
            CLM*CLM-9*120***11:B:1*Y*A*Y*Y~
            HI*ABK:I10~
            SBR*P*18*PG-9******12~
            CAS*CO*45*20~
            CAS*PR*2*20~
            AMT*D*80~
            OI***Y***Y~
            NM1*IL*1*DOE*JO****MI*PH-778~
            NM1*PR*2*PRIME HEALTH*****PI*PRIME01~
            DTP*573*D8*20261127~
            LX*1~
            SV1*HC:99213*120*UN*1***1~
            DTP*472*D8*20261116~
            SE*31*0012~
            GE*1*12~
            IEA*1*000000012~

            """.ReplaceLineEndings("\n"),
            x12);
        Assert.Empty(X12Check.Problems(x12));
    }

    [Theory]
    [InlineData("13")]
    [InlineData("43")]
    [InlineData("47")]
    public void Write_EachListedType_GoesToSbr05(string type) =>
        Assert.Equal([$"SBR*S*18***{type}****MB", "SBR*P*18*PG-9******12"], Sbr(MedicareAfterEmployerPlan(type)));

    /// <summary>Medicare Part A (MA) billed second needs the type just as Part B does.</summary>
    [Theory]
    [InlineData("MA")]
    [InlineData("MB")]
    public void Problems_MedicareSecondaryWithoutType_IsRefusedWithItsPath(string indicator)
    {
        var claim = MedicareAfterEmployerPlan(null) with { Coverage = MedicareAfterEmployerPlan(null).Coverage with { ClaimFilingIndicator = indicator } };

        Assert.Equal([$"claims[0].coverage.medicareSecondaryType: required when Medicare ({indicator}) is not the primary payer: why Medicare is secondary (SBR05), one of {Codes}"], Problems(claim));
    }

    /// <summary>Codes outside SBR05's list: other insurance type codes (MP Medicare primary, C1 commercial), near misses and lower case.</summary>
    [Theory]
    [InlineData("MP")]
    [InlineData("C1")]
    [InlineData("11")]
    [InlineData("44")]
    [InlineData("12 ")]
    [InlineData("")]
    public void Problems_TypeNotOnTheList_IsRefusedWithItsPath(string type) =>
        Assert.Equal([$"claims[0].coverage.medicareSecondaryType: '{type}' is not a Medicare secondary payer type (SBR05); one of {Codes}"], Problems(MedicareAfterEmployerPlan(type)));

    /// <summary>Medicare billed first, or a commercial plan billed second: the guide does not send SBR05, so a type there is refused.</summary>
    [Fact]
    public void Problems_TypeWhereTheGuideDoesNotSendIt_IsRefused()
    {
        const string Only = "only for Medicare (claim filing indicator MA or MB) when it is not the primary payer; the 837P does not send it otherwise";
        var medicareFirst = MedicareAfterEmployerPlan() with { PriorPayers = null };
        var commercialSecond = MedicareAfterEmployerPlan() with { Coverage = MedicareAfterEmployerPlan().Coverage with { ClaimFilingIndicator = "CI" } };

        Assert.Equal([$"claims[0].coverage.medicareSecondaryType: {Only}"], Problems(medicareFirst));
        Assert.Equal([$"claims[0].coverage.medicareSecondaryType: {Only}"], Problems(commercialSecond));
        Assert.Equal(["SBR*P*18*******MB"], Sbr(medicareFirst with { Coverage = medicareFirst.Coverage with { MedicareSecondaryType = null } }));
    }

    /// <summary>A third payer billed after Medicare: 2320 of Medicare (SBR01 S) carries SBR05; 2000B (commercial) and the primary's 2320 do not.</summary>
    [Fact]
    public void Write_TertiaryAfterMedicare_Carries2320Sbr05ForMedicareOnly() =>
        Assert.Equal(["SBR*T*18*SG-3******CI", "SBR*P*18*PG-9******12", "SBR*S*18***47****MB"], Sbr(SupplementAfterMedicare("47")));

    [Fact]
    public void Problems_TertiaryAfterMedicareWithoutType_NamesThatEarlierPayer() =>
        Assert.Equal([$"claims[0].priorPayers[1].medicareSecondaryType: required when Medicare (MB) is not the primary payer: why Medicare is secondary (SBR05), one of {Codes}"],
            Problems(SupplementAfterMedicare(null)));

    [Fact]
    public void Problems_EarlierMedicareWithACodeOffTheList_NamesThatEarlierPayer() =>
        Assert.Equal([$"claims[0].priorPayers[1].medicareSecondaryType: '17' is not a Medicare secondary payer type (SBR05); one of {Codes}"],
            Problems(SupplementAfterMedicare("17")));

    /// <summary>Medicare as the primary earlier payer (2320 SBR01 P): no SBR05, and a type given there is refused.</summary>
    [Fact]
    public void Problems_MedicareAsThePrimaryEarlierPayer_TakesNoType()
    {
        var medicarePrimary = SupplementAfterMedicare(null) with
        {
            PriorPayers = [MedicareDecided(null) with { Paid = 80m, Adjustments = [new PayerAdjustment("CO", "45", 20m), new PayerAdjustment("PR", "2", 20m)] }],
        };

        Assert.Equal(["SBR*S*18*SG-3******CI", "SBR*P*18*******MB"], Sbr(medicarePrimary));
        Assert.Equal(["claims[0].priorPayers[0].medicareSecondaryType: only for Medicare (claim filing indicator MA or MB) when it is not the primary payer; the 837P does not send it otherwise"],
            Problems(medicarePrimary with { PriorPayers = [medicarePrimary.PriorPayers![0] with { MedicareSecondaryType = "12" }] }));
    }

    /// <summary>The claim file carries the type on the coverage and on an earlier payer as <c>medicareSecondaryType</c>.</summary>
    [Fact]
    public void Parse_ClaimFileWithTypes_ReadsThemOntoCoverageAndEarlierPayer()
    {
        const string Person = """{ "id": "pat-1", "lastName": "Doe", "firstName": "Jo", "birthDate": "1980-01-02", "sex": "F", "address": { "line1": "1 Main St", "city": "Denver", "state": "CO", "postalCode": "80202" } }""";
        var json = $$"""
            {
              "formatVersion": 1,
              "envelope": { "senderId": "MEDCOORD01", "senderName": "Riverside Family Clinic", "contactName": "Billing Office", "contactPhone": "3035550100",
                            "receiverId": "SUPP01", "receiverName": "Supplement Mutual", "controlNumber": 12, "production": false },
              "claims": [ {
                "id": "CLM-9", "visitId": "visit-9", "patient": {{Person}},
                "coverage": { "id": "cov-s", "payerId": "SUPP01", "payerName": "Supplement Mutual", "planId": "SG-3", "memberId": "SUP-55", "subscriber": {{Person}},
                              "relationship": "self", "effectiveFrom": "2026-01-01", "claimFilingIndicator": "MB", "medicareSecondaryType": "43",
                              "benefits": { "deductible": { "amount": 0, "met": 0 }, "coinsurancePercent": 20, "outOfPocketMaximum": { "amount": 1000, "met": 0 } } },
                "priorPayers": [ { "payerId": "MCRB01", "payerName": "Medicare Part B", "memberId": "1EG4TE5MK73", "subscriber": {{Person}}, "relationship": "self",
                                   "claimFilingIndicator": "MB", "adjudicatedOn": "2026-12-03", "paid": 16, "medicareSecondaryType": "15" } ],
                "billingProvider": { "npi": "1234567893", "name": "Riverside Family Clinic", "isOrganization": true, "taxId": "841234567",
                                     "address": { "line1": "400 River Rd", "city": "Denver", "state": "CO", "postalCode": "802021234" } },
                "diagnoses": ["I10"],
                "lines": [ { "procedureCode": "99213", "units": 1, "charge": 120, "diagnosisPointers": [1], "placeOfService": "11", "dateOfService": "2026-11-16", "category": "office-visit" } ]
              } ]
            }
            """;

        var (batch, errors) = ClaimFile.Parse(json);

        Assert.Empty(errors);
        var claim = Assert.Single(batch!.Claims);
        Assert.Equal("43", claim.Coverage.MedicareSecondaryType);
        Assert.Equal("15", Assert.Single(claim.PriorPayers!).MedicareSecondaryType);
        Assert.Null(ClaimFile.Parse(json.Replace("\"medicareSecondaryType\": \"43\",", string.Empty, StringComparison.Ordinal)).Batch!.Claims[0].Coverage.MedicareSecondaryType);
    }
}
