using MedCoord.Engine.Billing;
using MedCoord.Scheduling.Validation;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// The claim id is the patient control number (CLM01) the payer echoes in the 999 (CTX), the 277CA (TRN02) and the 835
/// (CLP01). The 837P writer trims elements, so an id with a space at either end would come back as another id: it is
/// refused with its path.
/// </summary>
public sealed class ClaimIdTests
{
    private const string Untrimmed = "must not begin or end with a space: the 837P trims CLM01, and the payer's 999, 277CA and 835 would not match the claim";

    [Theory]
    [InlineData(" CLM-2026-0001")]
    [InlineData("CLM-2026-0001 ")]
    [InlineData("  CLM-2026-0001  ")]
    public void Validate_IdWithASpaceAtAnEnd_IsRefusedWithItsPath(string id)
    {
        var claim = ClaimTests.Sample().Claims[0] with { Id = id };

        Assert.Equal([new ValidationError("id", Untrimmed)], ClaimValidator.Validate(claim));
    }

    [Fact]
    public void Validate_IdWithASpaceInside_IsAccepted()
    {
        var claim = ClaimTests.Sample().Claims[0] with { Id = "CLM 2026 0001" };

        Assert.Empty(ClaimValidator.Validate(claim));
    }

    /// <summary>Read from a claim file, the id keeps its spaces (JSON strings are not trimmed) and the file's problems name the claim's path.</summary>
    [Fact]
    public void Problems_ClaimFileIdWithTrailingSpace_NamesTheClaimsPath()
    {
        var json = File.ReadAllText(ClaimTests.SamplePath).Replace("\"id\": \"CLM-2026-0002\"", "\"id\": \"CLM-2026-0002 \"", StringComparison.Ordinal);
        var (batch, errors) = ClaimFile.Parse(json);
        Assert.Empty(errors);

        var problems = X12Writer.Problems(batch!.Claims, batch.Envelope, NodaTime.Instant.FromUtc(2026, 12, 8, 16, 0).InUtc());

        Assert.Equal([new ValidationError("claims[1].id", Untrimmed)], problems);
    }
}
