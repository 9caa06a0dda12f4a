using System.CommandLine;

namespace MedCoord.Cli;

/// <summary>
/// The definitions of the commands for X12 files to and from payers: <c>eligibility request|read</c>
/// (<see cref="EligibilityRequestCommand"/>, <see cref="EligibilityReadCommand"/>), <c>ack</c> (<see cref="AckCommand"/>)
/// and <c>remit</c> (<see cref="RemitCommand"/>).
/// </summary>
internal static class X12CommandLine
{
    public static Command[] Define(CommandTable table) => [.. Commands(table)];

    private static IEnumerable<Command> Commands(CommandTable table)
    {
        var requestFile = new Argument<string>("coverage") { Description = "The eligibility request file: envelope, provider, coverage, service types, date (docs/claim-format.md)." };
        var requestX12 = SharedOptions.X12("Write the X12 270 file here.");
        var request = table.Add(
            new Command("request", "Write the X12 270 eligibility inquiry for a coverage and service types.") { requestFile, requestX12 },
            (parse, console, stderr, _) => new EligibilityRequestCommand(parse.GetValue(requestFile)!, parse.GetValue(requestX12)!).RunAsync(console, stderr));

        var readFile = new Argument<string>("in") { Description = "The X12 271 file." };
        var readOut = SharedOptions.Out("Write the answers (status, benefits, rejections) here as JSON.");
        var read = table.Add(
            new Command("read", "Read an X12 271: active or not, benefits, prior authorisations, rejections.") { readFile, readOut },
            (parse, console, stderr, _) => new EligibilityReadCommand(parse.GetValue(readFile)!, parse.GetValue(readOut)).RunAsync(console, stderr));
        yield return new Command("eligibility", "Eligibility inquiries (270) and responses (271).") { request, read };

        var ackFile = new Argument<string>("in") { Description = "The X12 999 or 277CA file." };
        var ackClaims = SharedOptions.Claims("The claim file whose 837P is acknowledged.");
        var ackDb = SharedOptions.OptionalDb("The engine's SQLite database holding the claims (created if missing); the moves are committed there.");
        var (ackDataKey, ackAuditKey) = (SharedOptions.DataKeyFile(), SharedOptions.AuditKeyFile());
        yield return table.Add(
            new Command("ack", "Read a 999 or 277CA and move the claims to Accepted or Rejected with the reasons.") { ackFile, ackClaims, ackDb, ackDataKey, ackAuditKey },
            (parse, console, stderr, environment) => new AckCommand(parse.GetValue(ackFile)!, parse.GetValue(ackClaims)!, parse.GetValue(ackDb), parse.GetValue(ackDataKey), parse.GetValue(ackAuditKey))
                .RunAsync(console, stderr, environment));

        var remitFile = new Argument<string>("in") { Description = "The X12 835 file." };
        var remitClaims = SharedOptions.Claims("The claim file of the claims paid.");
        var remitDb = SharedOptions.OptionalDb("The engine's SQLite database holding the claims (created if missing); postings are committed there.");
        var (remitDataKey, remitAuditKey) = (SharedOptions.DataKeyFile(), SharedOptions.AuditKeyFile());
        var remitOut = SharedOptions.RequiredOut("Write the posting (per claim and line: status, paid, allowed, patient responsibility, adjustments) here.");
        yield return table.Add(
            new Command("remit", "Post an X12 835 remittance to the claims and write the posting.") { remitFile, remitClaims, remitDb, remitDataKey, remitAuditKey, remitOut },
            (parse, console, stderr, environment) => new RemitCommand(parse.GetValue(remitFile)!, parse.GetValue(remitClaims)!, parse.GetValue(remitDb), parse.GetValue(remitOut)!, parse.GetValue(remitDataKey), parse.GetValue(remitAuditKey))
                .RunAsync(console, stderr, environment));
    }
}
