using System.Text;
using static MedCoord.Cli.Tests.ConsoleRun;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

/// <summary>
/// <c>medcoord claim</c> with the sample's third claim (billed second, after Acme paid) sent to Medicare Part B instead:
/// the claim file's <c>medicareSecondaryType</c> becomes 2000B SBR05, and without it (or with a code off the list) the
/// file exits 2 naming the path and writes nothing.
/// </summary>
public sealed class MedicareSecondaryCommandLineTests : IDisposable
{
    private const string Summit = "\"claimFilingIndicator\": \"12\",";

    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-msp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Claims(string replacement)
    {
        var sample = File.ReadAllText(TestData("claims.json"));
        Assert.Equal(2, sample.Split(Summit).Length);
        var path = Path.Combine(_dir, "claims.json");
        File.WriteAllText(path, sample.Replace(Summit, replacement, StringComparison.Ordinal), Encoding.UTF8);
        return path;
    }

    [Fact]
    public async Task Claim_MedicareSecondaryWithType_WritesSbr05()
    {
        var claims = Claims("\"claimFilingIndicator\": \"MB\", \"medicareSecondaryType\": \"12\",");
        var output = Path.Combine(_dir, "out.837");

        var (code, _, stderr) = await Run("claim", claims, "--x12", output);

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        var sbr = File.ReadAllText(output).Split("~\n").Where(s => s.StartsWith("SBR*", StringComparison.Ordinal)).ToList();
        Assert.Equal(["SBR*P*18*GRP-5501******CI", "SBR*P**GRP-7720******HM", "SBR*S*18*SM-100**12****MB", "SBR*P*18*GRP-5501******CI"], sbr);
    }

    [Theory]
    [InlineData("\"claimFilingIndicator\": \"MB\",", "claims[2].coverage.medicareSecondaryType: required when Medicare (MB) is not the primary payer: why Medicare is secondary (SBR05), one of 12, 13, 14, 15, 16, 41, 42, 43, 47")]
    [InlineData("\"claimFilingIndicator\": \"MA\", \"medicareSecondaryType\": \"MP\",", "claims[2].coverage.medicareSecondaryType: 'MP' is not a Medicare secondary payer type (SBR05); one of 12, 13, 14, 15, 16, 41, 42, 43, 47")]
    [InlineData("\"claimFilingIndicator\": \"12\", \"medicareSecondaryType\": \"12\",", "claims[2].coverage.medicareSecondaryType: only for Medicare (claim filing indicator MA or MB) when it is not the primary payer; the 837P does not send it otherwise")]
    public async Task Claim_MedicareSecondaryTypeWrong_ExitsTwoNamingThePath(string replacement, string expected)
    {
        var claims = Claims(replacement);
        var output = Path.Combine(_dir, "out.837");

        var (code, stdout, stderr) = await Run("claim", claims, "--x12", output);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"{claims}: {expected}{Environment.NewLine}", stderr);
        Assert.False(File.Exists(output));
    }
}
