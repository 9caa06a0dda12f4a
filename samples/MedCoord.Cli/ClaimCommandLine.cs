using System.CommandLine;

namespace MedCoord.Cli;

/// <summary>The definition of <c>medcoord claim</c>; <see cref="ClaimCommand"/> runs it.</summary>
internal static class ClaimCommandLine
{
    public static Command Define(CommandTable table)
    {
        var claims = new Argument<string>("claims") { Description = "The claim file (docs/claim-format.md)." };
        var x12 = SharedOptions.X12("Write the X12 837P file here.");
        return table.Add(
            new Command("claim", "Check claims, print each patient's responsibility estimate, and write the X12 837P file.") { claims, x12 },
            (parse, console, stderr, _) => new ClaimCommand(parse.GetValue(claims)!, parse.GetValue(x12)!).RunAsync(console, stderr));
    }
}
