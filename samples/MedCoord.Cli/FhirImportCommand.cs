using MedCoord.Fhir;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Serialization;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord fhir import</c>: a FHIR R4 Bundle read as a problem and written as a problem file.</summary>
internal sealed record FhirImportCommand(string BundlePath, string OutPath)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var outErrors = OutputFile.Check(("--out", OutPath));
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (await InputFile.ReadAsync(BundlePath, "bundle", stderr) is not { } bytes || outErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        var errors = FhirJson.TryReadBundle(bytes, out var bundle);
        var imported = bundle is null ? null : SchedulingBundle.Import(bundle);
        foreach (var error in imported?.Errors ?? errors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (imported?.Problem is not { } problem)
        {
            return SolverCommandLine.BadInput;
        }

        OutputFile.WriteAtomically("--out", OutPath, ProblemFile.Serialize(problem));
        console.MarkupLine(Markup.Escape($"read {problem.Requests.Count} requests, {problem.Providers.Count} providers, {problem.Rooms.Count} rooms, {problem.Facilities.Count} facilities; problem written to {OutPath}"));
        return SolverCommandLine.Success;
    }
}
