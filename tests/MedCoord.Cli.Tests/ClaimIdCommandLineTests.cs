using System.Text;
using static MedCoord.Cli.Tests.ConsoleRun;
using static MedCoord.Cli.Tests.CliTestData;

namespace MedCoord.Cli.Tests;

/// <summary><c>medcoord claim</c> refuses a claim id with a space at either end: the 837P would trim it and the payer's answers would not match.</summary>
public sealed class ClaimIdCommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-claim-id-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("\" CLM-2026-0003\"")]
    [InlineData("\"CLM-2026-0003 \"")]
    public async Task Claim_IdWithASpaceAtAnEnd_ExitsTwoNamingThePath(string id)
    {
        var sample = File.ReadAllText(TestData("claims.json"));
        Assert.Contains("\"CLM-2026-0003\"", sample);
        var claims = Path.Combine(_dir, "claims.json");
        File.WriteAllText(claims, sample.Replace("\"CLM-2026-0003\"", id, StringComparison.Ordinal), Encoding.UTF8);
        var output = Path.Combine(_dir, "out.837");

        var (code, stdout, stderr) = await Run("claim", claims, "--x12", output);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"{claims}: claims[2].id: must not begin or end with a space: the 837P trims CLM01, and the payer's 999, 277CA and 835 would not match the claim{Environment.NewLine}", stderr);
        Assert.False(File.Exists(output));
    }
}
