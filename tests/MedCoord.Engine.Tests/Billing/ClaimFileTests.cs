using System.Text;
using MedCoord.Engine.Billing;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>The claim file's reader at the edges: bytes that are not UTF-8, values the estimate cannot take, messages without reader internals.</summary>
public sealed class ClaimFileTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(ClaimTests.SamplePath);
    private static readonly NodaTime.ZonedDateTime Created = NodaTime.Instant.FromUtc(2026, 12, 8, 16, 0).InUtc();

    [Fact]
    public void Parse_InvalidUtf8InAName_ReportsTheOffsetNotTheName()
    {
        var bytes = (byte[])Sample.Clone();
        var offset = bytes.AsSpan().IndexOf("Rivera"u8) + 1;
        bytes[offset] = 0xFE;

        var (batch, errors) = ClaimFile.Parse(bytes);

        Assert.Null(batch);
        Assert.Equal([$"$: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)"], errors);
    }

    [Fact]
    public void Parse_ByteOrderMark_IsAccepted()
    {
        var (batch, errors) = ClaimFile.Parse([0xEF, 0xBB, 0xBF, .. Sample]);

        Assert.Empty(errors);
        Assert.Equal(ClaimTests.Sample().Claims.Count, batch!.Claims.Count);
    }

    [Theory]
    [InlineData("\"coinsurancePercent\": 20", "\"coinsurancePercent\": 150", "claims[0].coverage.benefits.coinsurancePercent: must be from 0 to 100, found 150")]
    [InlineData("\"amount\": 1000.00", "\"amount\": -1000.00", "claims[0].coverage.benefits.deductible.amount: must not be negative")]
    [InlineData("\"met\": 800.00", "\"met\": 1200.00", "claims[0].coverage.benefits.deductible.met: must not be above the amount 1000.00, found 1200.00")]
    [InlineData("\"met\": 1200.00", "\"met\": 4000.01", "claims[0].coverage.benefits.outOfPocketMaximum.met: must not be above the amount 4000.00, found 4000.01")]
    [InlineData("\"claimFilingIndicator\": \"HM\"", "\"claimFilingIndicator\": \"HMO\"", "claims[1].coverage.claimFilingIndicator: must be one of 11, 12, 13, 14, 15, 16, 17, AM, BL, CH, CI, DS, FI, HM, LM, MA, MB, MC, OF, TV, VA, WC, ZZ")]
    [InlineData("\"firstName\": \"Leo\"", "\"firstName\": \"L\u00e9o\"", "claims[1].patient.firstName: character 2 (U+00E9) is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)")]
    [InlineData("\"to\": \"2026-12-31\"", "\"to\": \"2026-11-15\"", "claims[2].lines[0].procedureCode: 93306 needs a prior authorisation; authorisation 'AUTH-77' does not cover the date of service (expired or not yet in force)")]
    [InlineData("\"paid\": 250.00, \"adjustments\"", "\"paid\": 240.00, \"adjustments\"", "claims[2].priorPayers[0].lines[0]: paid 240.00 and adjustments 160.00 do not add up to the line's charge 410.00")]
    public void Problems_BenefitsOutOfRange_NameThePathInsteadOfThrowing(string from, string to, string expected)
    {
        var (batch, errors) = ClaimFile.Parse(Encoding.UTF8.GetString(Sample).Replace(from, to, StringComparison.Ordinal));
        Assert.Empty(errors);

        Assert.Contains(expected, X12Writer.Problems(batch!.Claims, batch.Envelope, Created));
    }

    [Theory]
    [InlineData("", "$: the file is empty")]
    [InlineData("{}", "$: required fields are missing: 'formatVersion', 'envelope', 'claims'")]
    [InlineData("{ \"formatVersion\": 1, \"envelope\": null, \"claims\": [] }", "envelope: must not be null")]
    public void Parse_StructuralProblems_SayWhatIsWrongWithoutTypeNames(string json, string expected) =>
        Assert.Equal([expected], ClaimFile.Parse(json).Errors);

    [Fact]
    public void Parse_SubmissionFieldsAndFeeSchedules_AreRead()
    {
        var json = Encoding.UTF8.GetString(Sample).Replace("\"id\": \"CLM-2026-0002\",", "\"id\": \"CLM-2026-0002\", \"frequency\": \"replacement\", \"payerClaimNumber\": \"PCN-1\",", StringComparison.Ordinal);

        var (batch, errors) = ClaimFile.Parse(json);

        Assert.Empty(errors);
        var (first, second, third) = (batch!.Claims[0], batch.Claims[1], batch.Claims[2]);
        Assert.Equal((ClaimFrequency.Original, null, "CI"), (first.Frequency, first.PayerClaimNumber, first.Coverage.ClaimFilingIndicator));
        Assert.Equal((ClaimFrequency.Replacement, "PCN-1", "HM"), (second.Frequency, second.PayerClaimNumber, second.Coverage.ClaimFilingIndicator));
        var prior = Assert.Single(third.PriorPayers!);
        Assert.Equal(("ACMEHLTH", "CI", 250.00m, new NodaTime.LocalDate(2026, 11, 27)), (prior.PayerId, prior.ClaimFilingIndicator, prior.Paid, prior.AdjudicatedOn));
        Assert.Equal([new PayerAdjustment("CO", "45", 100m), new PayerAdjustment("PR", "2", 60m)], Assert.Single(prior.Lines).Adjustments);
        Assert.Equal(2, batch.FeeSchedules!.Count);
        Assert.Equal(new FeeScheduleEntry("93306", ["26"], 96m) with { Modifiers = batch.FeeSchedules[0].Entries[2].Modifiers }, batch.FeeSchedules[0].Entries[2]);
        Assert.Equal(["26"], batch.FeeSchedules[0].Entries[2].Modifiers);
        Assert.Empty(X12Writer.Problems(batch.Claims, batch.Envelope, Created));
    }

    [Fact]
    public void Parse_CoverageWithoutAFilingIndicator_IsCommercialInsurance()
    {
        var (batch, errors) = ClaimFile.Parse(Encoding.UTF8.GetString(Sample).Replace("\"effectiveTo\": null, \"claimFilingIndicator\": \"CI\",", "\"effectiveTo\": null,", StringComparison.Ordinal));

        Assert.Empty(errors);
        Assert.Equal("CI", batch!.Claims[0].Coverage.ClaimFilingIndicator);
    }

    [Fact]
    public void Parse_UnknownFrequency_NamesItsPath() =>
        Assert.StartsWith("claims[0].frequency:", Assert.Single(ClaimFile.Parse(Encoding.UTF8.GetString(Sample)
            .Replace("\"id\": \"CLM-2026-0001\",", "\"id\": \"CLM-2026-0001\", \"frequency\": \"corrected\",", StringComparison.Ordinal)).Errors));
}
