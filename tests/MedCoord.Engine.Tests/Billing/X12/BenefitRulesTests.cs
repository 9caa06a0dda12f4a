using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>How a 271's EB segments become the engine's benefits, rule by rule, on hand-made answers.</summary>
public sealed class BenefitRulesTests
{
    private static BenefitEntry Eb(string code, string period = "", decimal? amount = null, decimal? percent = null, string level = "IND", string network = "Y", string procedure = "", bool? auth = null, params string[] types) =>
        new(1, code, level, types, period, amount, percent, auth, network, procedure);

    private static EligibilityResponse Answer(params BenefitEntry[] benefits) => new(1, "cov-1", "PAYER", false, null, null, benefits, []);

    private static readonly Benefits Known = new(new Dictionary<string, decimal> { ["office-visit"] = 25m, ["lab"] = 10m }, new Accumulator(900, 100), 15, new Accumulator(5000, 400), ["93306"],
        CopayCountsTowardDeductible: true, CopayCountsTowardOutOfPocket: false);

    [Fact]
    public void Amounts_ComeFromTheirTimePeriods_AndWhatIsLeftGivesWhatIsMet()
    {
        Assert.Equal(new Accumulator(1500, 1200), Answer(Eb("C", "23", 1500, types: "30"), Eb("C", "29", 300, types: "30")).ToBenefits().Deductible);
        Assert.Equal(new Accumulator(1500, 250), Answer(Eb("C", "22", 1500), Eb("C", "24", 250)).ToBenefits().Deductible);
        Assert.Equal(new Accumulator(2000, 0), Answer(Eb("C", "25", 2000), Eb("C", "29", 2500)).ToBenefits().Deductible);
        Assert.Equal(new Accumulator(8000, 7000), Answer(Eb("G", "32", 8000), Eb("G", "33", 1000)).ToBenefits().OutOfPocketMaximum);
        // What the answer does not say comes from what was known.
        Assert.Equal(new Accumulator(900, 100), Answer(Eb("G", "23", 6000)).ToBenefits(Known).Deductible);
        Assert.Equal(new Accumulator(900, 300), Answer(Eb("C", "24", 300)).ToBenefits(Known).Deductible);
        Assert.Equal(new Accumulator(0, 0), Answer().ToBenefits().Deductible);
        Assert.Equal(new Accumulator(6000, 400), Answer(Eb("G", "23", 6000)).ToBenefits(Known).OutOfPocketMaximum);
    }

    [Fact]
    public void OnlyInNetworkIndividualBenefits_Count_AndServiceType30ComesFirst()
    {
        var benefits = Answer(
            Eb("C", "23", 9999, network: "N"), Eb("C", "23", 8888, level: "FAM"), Eb("C", "23", 700, types: "98"), Eb("C", "23", 500, network: "W", types: "30"),
            Eb("A", percent: 40, network: "N"), Eb("A", percent: 30, types: "98"), Eb("A", percent: 20, network: "", level: "", types: "30")).ToBenefits();

        Assert.Equal(500, benefits.Deductible.Amount);
        Assert.Equal(20, benefits.CoinsurancePercent);
        Assert.Equal(15, Answer(Eb("A", percent: null)).ToBenefits(Known).CoinsurancePercent);
        Assert.Equal(0, Answer(Eb("A", percent: null)).ToBenefits().CoinsurancePercent);
        Assert.True(Eb("A", network: "").InNetwork);
        Assert.True(Eb("A", network: "W").InNetwork);
        Assert.False(Eb("A", network: "U").InNetwork);
    }

    [Fact]
    public void Copays_AreFiledByServiceTypeCategory_TheFirstGivenWinning_AndKnownOnesStay()
    {
        var benefits = Answer(
            Eb("B", "27", 40, types: ["98", "30"]), Eb("B", "27", 35, types: "98"), Eb("B", "27", 12, types: "5"), Eb("B", "27", 60, types: "XX"), Eb("B", "27", null, types: "4"),
            Eb("B", "27", 99, network: "N", types: "86")).ToBenefits(Known);

        Assert.Equal(
            [("XX", 60m), ("lab", 12m), ("office-visit", 40m)],
            benefits.Copays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
        Assert.Equal(["office-visit", "medical-care", "imaging", "lab", "chiropractic", "emergency", "pharmacy", "mental-health", "urgent-care", "vision"],
            new[] { "98", "1", "4", "5", "33", "86", "88", "MH", "UC", "AL" }.Select(t => EligibilityResponse.DefaultCategories[t]));
        Assert.Equal(("visit-copay", 30m), Answer(Eb("B", "27", 30, types: "98")).ToBenefits(null, new Dictionary<string, string> { ["98"] = "visit-copay" }).Copays.Single() is var c ? (c.Key, c.Value) : default);
    }

    [Fact]
    public void Authorisations_Activity_AndPlanDates()
    {
        var answer = Answer(Eb("1", types: "30"), Eb("CB", auth: true, procedure: "97110"), Eb("CB", auth: true, types: "MH"), Eb("CB", auth: false, procedure: "99213")) with
        {
            PlanBegin = new LocalDate(2027, 1, 1),
        };

        Assert.Equal(["97110", "ST:MH"], answer.AuthorizationRequired);
        Assert.Equal(["93306", "97110"], answer.ToBenefits(Known).PriorAuthorization);
        Assert.True(answer.Active);
        Assert.False(Answer(Eb("6"), Eb("7")).Active);
        Assert.True(Answer(Eb("6"), Eb("3")).Active);
        Assert.Null(Answer(Eb("C", "23", 1)).Active);
        Assert.Equal((true, false), (answer.ToBenefits(Known).CopayCountsTowardDeductible, answer.ToBenefits(Known).CopayCountsTowardOutOfPocket));
        Assert.Equal((false, true), (answer.ToBenefits().CopayCountsTowardDeductible, answer.ToBenefits().CopayCountsTowardOutOfPocket));

        var coverage = Billing.ClaimTests.Sample().Claims[0].Coverage;
        var applied = answer.ApplyTo(coverage);
        Assert.Equal((new LocalDate(2027, 1, 1), coverage.EffectiveTo), (applied.EffectiveFrom, applied.EffectiveTo));
        Assert.Equal(new LocalDate(2027, 6, 30), (answer with { PlanEnd = new LocalDate(2027, 6, 30) }).ApplyTo(coverage).EffectiveTo);
        Assert.Equal(coverage.EffectiveFrom, Answer().ApplyTo(coverage).EffectiveFrom);
        Assert.Throws<ArgumentNullException>(() => answer.ApplyTo(null!));
    }

    [Fact]
    public void ARejection_ReadsAsItsCodeDescriptionLoopAndFollowUp()
    {
        Assert.Equal("AAA 72 (invalid/missing subscriber/insured id) in loop 2100C, follow-up C", new EligibilityRejection(5, "2100C", "72", "C", "invalid/missing subscriber/insured id").ToString());
        Assert.Equal("AAA 42 (unable to respond at current time) in loop 2100A", new EligibilityRejection(3, "2100A", "42", string.Empty, "unable to respond at current time").ToString());
    }
    // AAA03 (reject reason codes) as the 271 guide (005010X279A1) words them.
    [Theory]
    [InlineData("04", "authorized quantity exceeded")]
    [InlineData("15", "required application data missing")]
    [InlineData("41", "authorization/access restrictions")]
    [InlineData("42", "unable to respond at current time")]
    [InlineData("43", "invalid/missing provider identification")]
    [InlineData("44", "invalid/missing provider name")]
    [InlineData("45", "invalid/missing provider specialty")]
    [InlineData("46", "invalid/missing provider phone number")]
    [InlineData("47", "invalid/missing provider state")]
    [InlineData("48", "invalid/missing referring provider identification number")]
    [InlineData("49", "provider is not primary care physician")]
    [InlineData("50", "provider ineligible for inquiries")]
    [InlineData("51", "provider not on file")]
    [InlineData("52", "service dates not within provider plan enrollment")]
    [InlineData("53", "inquired benefit inconsistent with provider type")]
    [InlineData("54", "inappropriate product/service id qualifier")]
    [InlineData("55", "inappropriate product/service id")]
    [InlineData("56", "inappropriate date")]
    [InlineData("57", "invalid/missing date(s) of service")]
    [InlineData("58", "invalid/missing date of birth")]
    [InlineData("60", "date of birth follows date(s) of service")]
    [InlineData("61", "date of death precedes date(s) of service")]
    [InlineData("62", "date of service not within allowable inquiry period")]
    [InlineData("63", "date of service in future")]
    [InlineData("64", "invalid/missing patient id")]
    [InlineData("65", "invalid/missing patient name")]
    [InlineData("66", "invalid/missing patient gender code")]
    [InlineData("67", "patient not found")]
    [InlineData("68", "duplicate patient id number")]
    [InlineData("69", "inconsistent with patient's age")]
    [InlineData("70", "inconsistent with patient's gender")]
    [InlineData("71", "patient birth date does not match that for the patient on the database")]
    [InlineData("72", "invalid/missing subscriber/insured id")]
    [InlineData("73", "invalid/missing subscriber/insured name")]
    [InlineData("74", "invalid/missing subscriber/insured gender code")]
    [InlineData("75", "subscriber/insured not found")]
    [InlineData("76", "duplicate subscriber/insured id number")]
    [InlineData("77", "subscriber found, patient not found")]
    [InlineData("78", "subscriber/insured not in group/plan identified")]
    [InlineData("79", "invalid participant identification")]
    [InlineData("80", "no response received, transaction terminated")]
    [InlineData("97", "invalid or missing provider address")]
    [InlineData("T4", "payer name or identifier missing")]
    [InlineData("99", "reject reason")]
    public void Read271_EachRejectReasonCode_IsWorded(string code, string words)
    {
        var (responses, errors) = EligibilityResponseReader.Read(X12Files.Wrap("HB", "271",
            "BHT*0022*11*000000043*20261201*1005", "HL*1**20*1", "NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH", "HL*2*1*21*1", "NM1*1P*2*CLINIC*****XX*1234567893",
            "HL*3*2*22*0", "TRN*2*cov-x*1841234567", "NM1*IL*1*DOE*JANE****MI*XYZ000", $"AAA*N**{code}*C"));

        Assert.Empty(errors);
        var rejection = Assert.Single(Assert.Single(responses).Rejections);
        Assert.Equal(new EligibilityRejection(12, "2100C", code, "C", words), rejection);
    }
}
