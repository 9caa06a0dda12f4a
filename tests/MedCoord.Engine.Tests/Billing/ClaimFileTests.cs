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
}
