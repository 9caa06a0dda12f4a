using System.Globalization;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>
/// What a 271 answer states (<see cref="EligibilityResponse.Stated"/>): an amount not stated is null, never a zero the
/// payer did not say; amounts left or met above their amount are warnings naming the EB segments; merging with what was
/// known (<see cref="StatedBenefits.ToBenefits"/>). Small hand-written responses: the subscriber's EB segments start at
/// segment 11.
/// </summary>
public sealed class EligibilityStatedBenefitsTests
{
    private static readonly Benefits Known = new(new Dictionary<string, decimal> { ["office-visit"] = 25m, ["lab"] = 10m }, new Accumulator(900, 100), 15, new Accumulator(5000, 400), ["93306"],
        CopayCountsTowardDeductible: true, CopayCountsTowardOutOfPocket: false);

    private static EligibilityResponse Answer(params string[] benefits)
    {
        var (responses, errors) = EligibilityResponseReader.Read(X12Files.Wrap("HB", "271",
        [
            "BHT*0022*11*000000043*20261201*1005", "HL*1**20*1", "NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH", "HL*2*1*21*1", "NM1*1P*2*CLINIC*****XX*1234567893",
            "HL*3*2*22*0", "TRN*2*cov-1*1990000001", .. benefits,
        ]));
        Assert.Empty(errors);
        return Assert.Single(responses);
    }

    private static string Show(StatedAccumulator a) =>
        string.Join("|", new[] { a.Amount, a.Met, a.Remaining }.Select(v => v?.ToString(CultureInfo.InvariantCulture) ?? "null"));

    [Fact]
    public void NothingStated_EveryPartIsNull_AndMergingWithoutCurrentGivesZeros()
    {
        var answer = Answer("EB*1*IND*30**GOLD PPO", "EB*C*IND*30***27*100", "EB*C*IND*30***29", "EB*A*IND*30***27");

        var stated = answer.Stated();

        Assert.Equal(new StatedAccumulator(null, null, null), stated.Deductible);
        Assert.Equal(new StatedAccumulator(null, null, null), stated.OutOfPocketMaximum);
        Assert.Null(stated.CoinsurancePercent);
        Assert.Empty(stated.Copays);
        Assert.Empty(stated.PriorAuthorization);
        Assert.Empty(stated.Warnings);
        var benefits = answer.ToBenefits();
        Assert.Equal((new Accumulator(0, 0), new Accumulator(0, 0), 0m), (benefits.Deductible, benefits.OutOfPocketMaximum, benefits.CoinsurancePercent));
        Assert.Equal((false, true), (benefits.CopayCountsTowardDeductible, benefits.CopayCountsTowardOutOfPocket));
        Assert.Empty(benefits.Copays);
        Assert.Empty(benefits.PriorAuthorization);
    }

    [Theory]
    [InlineData("1000|null|null", "EB*C*IND*30***23*1000")]
    [InlineData("1000|null|null", "EB*C*IND*30***22*1000")]
    [InlineData("1000|null|null", "EB*C*IND*30***25*1000")]
    [InlineData("1000|null|null", "EB*C*IND*30***32*1000")]
    [InlineData("null|null|null", "EB*C*IND*30***27*1000")]
    [InlineData("null|null|300", "EB*C*IND*30***29*300")]
    [InlineData("null|null|300", "EB*C*IND*30***33*300")]
    [InlineData("null|250|null", "EB*C*IND*30***24*250")]
    [InlineData("null|250|300", "EB*C*IND*30***24*250", "EB*C*IND*30***29*300")]
    [InlineData("1000|700|300", "EB*C*IND*30***23*1000", "EB*C*IND*30***29*300")]
    [InlineData("1000|700|300", "EB*C*IND*30***29*300", "EB*C*IND*30***23*1000")]
    [InlineData("8000|7000|1000", "EB*C*IND*30***32*8000", "EB*C*IND*30***33*1000")]
    [InlineData("1000|250|750", "EB*C*IND*30***23*1000", "EB*C*IND*30***24*250")]
    [InlineData("1000|700|300", "EB*C*IND*30***23*1000", "EB*C*IND*30***24*900", "EB*C*IND*30***29*300")]
    [InlineData("500|0|500", "EB*C*IND*30***23*500", "EB*C*IND*30***29*500")]
    [InlineData("500|500|0", "EB*C*IND*30***23*500", "EB*C*IND*30***24*500")]
    [InlineData("1000|0|1000", "EB*C*IND*30***23*1000", "EB*C*IND*30***29*1000")]
    [InlineData("500|null|null", "EB*C*IND*98***23*700", "EB*C*IND*30***23*500")]
    [InlineData("600|null|null", "EB*C**30***23*600")]
    [InlineData("600|null|null", "EB*C*IND*30***23*600*****W")]
    [InlineData("null|null|null", "EB*C*FAM*30***23*3000*****Y", "EB*C*IND*30***23*2500*****N", "EB*C*IND*30***29*100*****U")]
    [InlineData("1000|null|null", "EB*C*IND*30***23*1000*****Y", "EB*C*FAM*30***29*5000*****Y", "EB*C*IND*30***24*4000*****N")]
    public void Deductible_IsWhatIsStated_NullWhereNothingIsSaid(string expected, params string[] benefits)
    {
        var stated = Answer(benefits).Stated();

        Assert.Equal(expected, Show(stated.Deductible));
        Assert.Equal("null|null|null", Show(stated.OutOfPocketMaximum));
        Assert.Empty(stated.Warnings);
    }

    [Fact]
    public void OutOfPocketMaximum_IsItsOwnEbCode()
    {
        var stated = Answer("EB*G*IND*30***23*4000", "EB*G*IND*30***29*2650", "EB*C*IND*30***23*1000").Stated();

        Assert.Equal("4000|1350|2650", Show(stated.OutOfPocketMaximum));
        Assert.Equal("1000|null|null", Show(stated.Deductible));
        Assert.Empty(stated.Warnings);
    }

    [Fact]
    public void RemainingAboveTheAmount_IsAWarningNamingBothSegments_AndMetIsZero()
    {
        var answer = Answer("EB*1*IND*30", "EB*C*IND*30***23*500", "EB*G*IND*30***23*4000", "EB*C*IND*30***29*800");

        var stated = answer.Stated();

        Assert.Equal("500|0|800", Show(stated.Deductible));
        Assert.Equal(["segment 14 (EB): deductible remaining 800.00 is more than the amount 500.00 (segment 12); met taken as 0"], stated.Warnings);
        Assert.Equal(new Accumulator(500, 0), answer.ToBenefits().Deductible);
    }

    [Fact]
    public void MetAboveTheAmount_IsAWarning_AndRemainingIsZero()
    {
        var answer = Answer("EB*G*IND*30***24*4500.5", "EB*G*IND*30***23*4000", "EB*C*IND*30***32*2000", "EB*C*IND*30***33*2000.01");
        var stated = answer.Stated();

        Assert.Equal("4000|4500.5|0", Show(stated.OutOfPocketMaximum));
        Assert.Equal("2000|0|2000.01", Show(stated.Deductible));
        Assert.Equal(
        [
            "segment 14 (EB): deductible remaining 2000.01 is more than the amount 2000.00 (segment 13); met taken as 0",
            "segment 11 (EB): out-of-pocket maximum met 4500.50 is more than the amount 4000.00 (segment 12); remaining taken as 0",
        ], stated.Warnings);

        // The engine keeps all of the maximum met, never more than it (a claim file refuses a met above its amount).
        Assert.Equal(new Accumulator(4000, 4000), answer.ToBenefits().OutOfPocketMaximum);
        Assert.Equal(new Accumulator(4000, 4000), new StatedAccumulator(null, 4500, null).ToAccumulator(new Accumulator(4000, 100)));
    }

    [Fact]
    public void CoinsuranceCopaysAndAuthorisations_AreWhatIsStated()
    {
        var stated = Answer(
            "EB*A*IND*30***27**.4****N", "EB*A*IND*98***27**.3", "EB*A*IND*30***27**.2****Y", "EB*B*IND*98^30***27*30", "EB*B*IND*98***27*35", "EB*B*IND*5***27*0",
            "EB*B*FAM*UC***27*75", "EB*B*IND*XX***27*60", "EB*1*IND*4********Y*Y*HC:93306", "EB*1*IND*MH********Y").Stated();

        Assert.Equal(20m, stated.CoinsurancePercent);
        Assert.Equal([("XX", 60m), ("lab", 0m), ("office-visit", 30m)], stated.Copays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
        Assert.False(stated.Copays is IDictionary<string, decimal> { IsReadOnly: false });
        Assert.Equal(["93306"], stated.PriorAuthorization);
        Assert.Equal(["visit"], Answer("EB*B*IND*98***27*30").Stated(new Dictionary<string, string> { ["98"] = "visit" }).Copays.Keys);
    }

    [Fact]
    public void Merging_WhatIsNotStatedComesFromCurrent()
    {
        Assert.Equal(Known.Deductible, Answer("EB*1*IND*30").ToBenefits(Known).Deductible);
        var benefits = Answer("EB*C*IND*30***23*1000", "EB*A*IND*30***27**.2", "EB*B*IND*98***27*30", "EB*B*IND*UC***27*75", "EB*1*IND*1********Y*Y*HC:97110").ToBenefits(Known);

        Assert.Equal(new Accumulator(1000, 100), benefits.Deductible);
        Assert.Equal(new Accumulator(5000, 400), benefits.OutOfPocketMaximum);
        Assert.Equal(20m, benefits.CoinsurancePercent);
        Assert.Equal([("lab", 10m), ("office-visit", 30m), ("urgent-care", 75m)], benefits.Copays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
        Assert.Equal(["93306", "97110"], benefits.PriorAuthorization);
        Assert.Equal((true, false), (benefits.CopayCountsTowardDeductible, benefits.CopayCountsTowardOutOfPocket));
        Assert.Equal(15m, Answer("EB*1*IND*30").ToBenefits(Known).CoinsurancePercent);
    }

    [Theory]
    [InlineData("EB*C*IND*30***29*300", 900, 600)]
    [InlineData("EB*C*IND*30***29*900", 900, 0)]
    [InlineData("EB*C*IND*30***29*1000", 900, 0)]
    [InlineData("EB*C*IND*30***24*250", 900, 250)]
    [InlineData("EB*C*IND*30***23*1200", 1200, 100)]
    public void Merging_OneStatedPart_WithTheKnownDeductible(string benefit, int amount, int met)
    {
        Assert.Equal(new Accumulator(amount, met), Answer(benefit).ToBenefits(Known).Deductible);
    }

    [Fact]
    public void StatedAccumulator_ToAccumulator_FillsFromCurrentOrZero()
    {
        var current = new Accumulator(900, 100);

        Assert.Equal(new Accumulator(0, 0), new StatedAccumulator(null, null, null).ToAccumulator());
        Assert.Equal(new Accumulator(900, 100), new StatedAccumulator(null, null, null).ToAccumulator(current));
        Assert.Equal(new Accumulator(0, 0), new StatedAccumulator(null, null, 300).ToAccumulator());
        Assert.Equal(new Accumulator(900, 600), new StatedAccumulator(null, null, 300).ToAccumulator(current));
        Assert.Equal(new Accumulator(900, 600), new StatedAccumulator(null, 250, 300).ToAccumulator(current));
        Assert.Equal(new Accumulator(0, 0), new StatedAccumulator(null, 250, null).ToAccumulator()); // never more met than the amount known
        Assert.Equal(new Accumulator(1000, 100), new StatedAccumulator(1000, null, null).ToAccumulator(current));
        Assert.Equal(new Accumulator(1000, 0), new StatedAccumulator(1000, null, null).ToAccumulator());
        Assert.Equal(new Accumulator(1000, 0), new StatedAccumulator(1000, 0, 1200).ToAccumulator(current));
        Assert.Equal(new Accumulator(1000, 700), new StatedAccumulator(1000, 700, 300).ToAccumulator(current));
    }

    [Fact]
    public void TheHandWrittenFile_WarnsForEachAmountAboveItsAmount_AndStatesOnlyWhatIsLeftForTheDependent()
    {
        var (responses, errors) = EligibilityResponseReader.Read(X12Files.Read("inconsistent-benefits.271"));
        Assert.Empty(errors);

        var subscriber = responses[0].Stated();
        var dependent = responses[1].Stated();

        Assert.Equal(2, responses.Count);
        Assert.Equal(("500|0|800", "4000|4500|0"), (Show(subscriber.Deductible), Show(subscriber.OutOfPocketMaximum)));
        Assert.Equal(
        [
            "segment 17 (EB): deductible remaining 800.00 is more than the amount 500.00 (segment 15); met taken as 0",
            "segment 18 (EB): out-of-pocket maximum met 4500.00 is more than the amount 4000.00 (segment 16); remaining taken as 0",
        ], subscriber.Warnings);
        X12Files.NoPatientData(subscriber.Warnings.Select(w => new MedCoord.Scheduling.Validation.ValidationError(string.Empty, w)));
        Assert.Equal(("null|null|150", "null|null|null"), (Show(dependent.Deductible), Show(dependent.OutOfPocketMaximum)));
        Assert.Empty(dependent.Warnings);
    }
}
