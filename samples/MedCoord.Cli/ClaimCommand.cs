using MedCoord.Engine.Billing;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord claim CLAIM.json --x12 OUT.837</c>: reads a claim file, checks every claim, prints each patient's
/// responsibility estimate and eligibility, and writes the 837P file. Bad input exits 2 with one line per problem and
/// writes nothing.
/// </summary>
internal sealed record ClaimCommand(string ClaimPath, string X12Path)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var outErrors = OutputFile.Check(("--x12", X12Path));
        if (!File.Exists(ClaimPath) && !Directory.Exists(ClaimPath))
        {
            await stderr.WriteLineAsync($"{ClaimPath}: no such file");
            return await Refuse(outErrors, stderr);
        }

        if (await InputFile.ReadAsync(ClaimPath, "claim file", stderr) is not { } bytes)
        {
            return await Refuse(outErrors, stderr);
        }

        var (batch, errors) = ClaimFile.Parse(bytes);
        if (batch is null)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"{ClaimPath}: {error}");
            }

            return await Refuse(outErrors, stderr);
        }

        // The file's creation time is the only clock reading: the console is the host.
        var createdAt = SystemClock.Instance.GetCurrentInstant().InUtc();
        var schedules = batch.FeeSchedules ?? [];
        var problems = X12Writer.Problems(batch.Claims, batch.Envelope, createdAt).Concat(FeeSchedules.Validate(schedules)).ToList();
        foreach (var problem in problems)
        {
            await stderr.WriteLineAsync($"{ClaimPath}: {problem}");
        }

        if (problems.Count > 0 || outErrors.Count > 0)
        {
            return await Refuse(outErrors, stderr);
        }

        var x12 = X12Writer.Write(batch.Claims, batch.Envelope, createdAt);

        foreach (var claim in batch.Claims)
        {
            var eligibility = EligibilityCheck.Check(claim.Coverage, claim.Lines[0].DateOfService, claim.Lines.Select(l => l.ProcedureCode));
            var estimate = ResponsibilityEstimator.Estimate(claim, schedules);
            console.MarkupLine(Markup.Escape($"claim {claim.Id}: {claim.Lines.Count} line{(claim.Lines.Count == 1 ? string.Empty : "s")}, total charge {claim.TotalCharge:0.00}; eligibility {eligibility.Status}: {eligibility.Reason}"));
            console.WriteLine(estimate.Describe());
        }

        OutputFile.WriteAtomically("--x12", X12Path, x12);
        console.MarkupLine(Markup.Escape($"837P written to {X12Path}: {batch.Claims.Count} claims, interchange {batch.Envelope.ControlNumber:000000000}"));
        return SolverCommandLine.Success;
    }

    private static async Task<int> Refuse(IEnumerable<MedCoord.Scheduling.Validation.ValidationError> outErrors, TextWriter stderr)
    {
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        return SolverCommandLine.BadInput;
    }
}
