using MedCoord.Engine.Billing.X12;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>
/// 271 reading rule by rule on small hand-written responses: a payer loop (segments 4 to 6), a receiver loop (7 and 8),
/// then what each case adds.
/// </summary>
public sealed class EligibilityReadRuleTests
{
    private static readonly string[] Upper =
    [
        "BHT*0022*11*000000043*20261201*1005", "HL*1**20*1", "NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH", "HL*2*1*21*1", "NM1*1P*2*CLINIC*****XX*1234567893",
    ];

    private static (IReadOnlyList<EligibilityResponse> Responses, List<string> Errors) Read(params string[] body)
    {
        var (responses, errors) = EligibilityResponseReader.Read(X12Files.Wrap("HB", "271", [.. Upper, .. body]));
        return (responses, [.. errors.Select(e => e.ToString())]);
    }

    private static EligibilityResponse One(params string[] body)
    {
        var (responses, errors) = Read(body);
        Assert.Empty(errors);
        return Assert.Single(responses);
    }

    [Fact]
    public void PayerId_ComesFromThePayerLoopsNm1Pr_Only()
    {
        Assert.Equal("ACMEHLTH", One("NM1*PR*2*OTHER*****PI*OTHER", "HL*3*2*22*0", "NM1*PR*2*THIRD*****PI*THIRD").PayerId);

        var (responses, _) = EligibilityResponseReader.Read(X12Files.Wrap("HB", "271",
            "HL*1**20*1", "NM1*2B*2*ADMINISTRATOR*****PI*TPA", "HL*2*1*21*1", "HL*3*2*22*0"));
        Assert.Equal(string.Empty, Assert.Single(responses).PayerId);
    }

    [Fact]
    public void Trace_IsTheFirstTrn2OfTheSubscriberLoop_NotThePayersOwnTrace()
    {
        var response = One("TRN*2*receiver-level*1990000001", "HL*3*2*22*0", "TRN*1*payer-own*9877281234", "TRN*2*cov-1*1990000001", "TRN*2*cov-other*1990000001");

        Assert.Equal("cov-1", response.Trace);
        Assert.Equal((10, false), (response.Position, response.IsDependent));
    }

    [Fact]
    public void PlanDates_AreReadBeforeTheBenefits_NotFromABenefitsOwnDtp()
    {
        var response = One("HL*3*2*22*0", "DTP*346*D8*20260101", "EB*1**30", "DTP*347*D8*20261231", "DTP*346*D8*20260601");

        Assert.Equal((new LocalDate(2026, 1, 1), (LocalDate?)null), (response.PlanBegin, response.PlanEnd));
        Assert.Single(response.Benefits);
    }

    [Theory]
    [InlineData("DTP*346*D8*20260201", "2026-02-01", "")]
    [InlineData("DTP*356*D8*20260201", "2026-02-01", "")]
    [InlineData("DTP*347*D8*20261130", "", "2026-11-30")]
    [InlineData("DTP*357*D8*20261130", "", "2026-11-30")]
    [InlineData("DTP*291*RD8*20260201-20261130", "2026-02-01", "2026-11-30")]
    [InlineData("DTP*307*RD8*20260201-20261130", "2026-02-01", "2026-11-30")]
    [InlineData("DTP*291*D8*20260201", "", "")]
    [InlineData("DTP*472*D8*not-a-date", "", "")]
    [InlineData("DTP*102*D8*20260201", "", "")]
    public void PlanDates_EachQualifier_SetsItsEnd(string dtp, string begin, string end)
    {
        var response = One("HL*3*2*22*0", dtp);

        Assert.Equal((begin, end), (response.PlanBegin?.ToString("yyyy-MM-dd", null) ?? string.Empty, response.PlanEnd?.ToString("yyyy-MM-dd", null) ?? string.Empty));
    }

    [Theory]
    [InlineData("DTP*291*D8*20260201-20261130")]
    [InlineData("DTP*291*RD8*20260201-2026XX30")]
    [InlineData("DTP*291*RD8*2026XX01-20261130")]
    [InlineData("DTP*291*RD8*20260201")]
    [InlineData("DTP*291*RD8*20260201-20261130-20261231")]
    [InlineData("DTP*346*DT*202602011200")]
    public void PlanDates_NotWhatDtp02Says_IsAnError(string dtp) =>
        Assert.Equal(["segment 10 (DTP): DTP03 is not a date (D8, CCYYMMDD) or a date range (RD8, CCYYMMDD-CCYYMMDD) as DTP02 says"], Read("HL*3*2*22*0", dtp).Errors);

    [Theory]
    [InlineData("", "AAA*N**42*R", "2100A")]
    [InlineData("HL*2*1*21*1", "AAA*N**43*C", "2100B")]
    [InlineData("HL*3*2*22*1|NM1*IL*1*DOE*JO", "AAA*N**72*C", "2100C")]
    [InlineData("HL*3*2*22*1|EB*1**30", "AAA*N**15*C", "2110C")]
    [InlineData("HL*3*2*22*1|HL*4*3*23*0", "AAA*N**67*C", "2100D")]
    [InlineData("HL*3*2*22*1|HL*4*3*23*0|EB*1**30", "AAA*N**15*C", "2110D")]
    public void Rejections_NameTheirLoop(string before, string aaa, string loop)
    {
        var body = before.Length == 0 ? new[] { aaa } : [.. before.Split('|'), aaa];
        var (responses, errors) = EligibilityResponseReader.Read(X12Files.Wrap("HB", "271", ["HL*1**20*1", "NM1*PR*2*ACME*****PI*ACMEHLTH", .. body]));

        Assert.Empty(errors);
        var rejection = responses.SelectMany(r => r.Rejections).Single();
        Assert.Equal((loop, aaa.Split('*')[3], aaa.Split('*')[4]), (rejection.Loop, rejection.Code, rejection.FollowUp));
    }

    [Fact]
    public void Rejections_OfTheUpperLoops_GoToEveryAnswer_OrStandAlone()
    {
        var receiver = "AAA*N**43*C";

        var two = Read(receiver, "HL*3*2*22*0", "TRN*2*cov-1*1990000001", "AAA*N**72*C", "HL*4*2*22*0", "TRN*2*cov-2*1990000001").Responses;
        var alone = Read(receiver).Responses;
        var none = Read().Responses;

        Assert.Equal([("cov-1", "43 72"), ("cov-2", "43")], two.Select(r => (r.Trace, string.Join(' ', r.Rejections.Select(x => x.Code)))));
        Assert.Equal(("2100B", 9), (two[1].Rejections[0].Loop, two[1].Rejections[0].Position));
        var standAlone = Assert.Single(alone);
        Assert.Equal((3, string.Empty, "ACMEHLTH", false, (LocalDate?)null, (LocalDate?)null, 0), (standAlone.Position, standAlone.Trace, standAlone.PayerId, standAlone.IsDependent, standAlone.PlanBegin, standAlone.PlanEnd, standAlone.Benefits.Count));
        Assert.Equal("43", Assert.Single(standAlone.Rejections).Code);
        Assert.Empty(none);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 100)]
    [InlineData(".25", 25)]
    public void Percent_FromZeroToOne_IsAPercentage(string eb08, int percent) =>
        Assert.Equal(percent, One("HL*3*2*22*0", $"EB*A*IND*30***27**{eb08}").Benefits.Single().Percent);

    [Theory]
    [InlineData("-0.01", "segment 10 (EB): EB07 (a benefit amount) is negative")]
    [InlineData("-50", "segment 10 (EB): EB07 (a benefit amount) is negative")]
    [InlineData("0", null)]
    public void Amount_Negative_IsAnError(string eb07, string? expected) =>
        Assert.Equal(expected is null ? [] : [expected], Read("HL*3*2*22*0", $"EB*C*IND*30***29*{eb07}").Errors);

    [Theory]
    [InlineData("1.01")]
    [InlineData("-0.01")]
    public void Percent_OutsideZeroToOne_IsAnError(string eb08) =>
        Assert.Equal(["segment 10 (EB): EB08 is a fraction from 0 to 1 (0.2 is 20 percent)"], Read("HL*3*2*22*0", $"EB*A*IND*30***27**{eb08}").Errors);

    [Theory]
    [InlineData("Y", true)]
    [InlineData("N", false)]
    [InlineData("U", null)]
    [InlineData("", null)]
    public void AuthorizationRequired_IsEb11(string eb11, bool? required) =>
        Assert.Equal(required, One("HL*3*2*22*0", $"EB*1*IND*30********{eb11}*Y").Benefits.Single().AuthorizationRequired);

    [Theory]
    [InlineData("Y")]
    [InlineData("N")]
    [InlineData("U")]
    [InlineData("W")]
    [InlineData("")]
    public void Network_IsEb12(string eb12) =>
        Assert.Equal(eb12, One("HL*3*2*22*0", $"EB*1*IND*30*********{eb12}*HC:99213").Benefits.Single().Network);

    [Fact]
    public void Benefit_EveryElementRead()
    {
        var benefit = One("HL*3*2*22*0", "EB*C*FAM*30^98**HMO*23*1500.5*****N*HC:99213").Benefits.Single();

        Assert.Equal(new BenefitEntry(10, "C", "FAM", benefit.ServiceTypes, "23", 1500.5m, null, null, "N", "99213"), benefit);
        Assert.Equal(["30", "98"], benefit.ServiceTypes);
    }
}
