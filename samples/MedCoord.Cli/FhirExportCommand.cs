using MedCoord.Fhir;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Validation;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord fhir export</c>: a problem, and optionally its schedule, written as a FHIR R4 transaction Bundle.</summary>
internal sealed record FhirExportCommand(string ProblemPath, string? SchedulePath, string OutPath)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var outErrors = OutputFile.Check(("--out", OutPath));
        var problem = await ProblemLoader.LoadAsync(ProblemPath, stderr);
        var schedule = SchedulePath is null ? null : await BookLoader.LoadAsync(SchedulePath, stderr);
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (problem is null || (SchedulePath is not null && schedule is null) || outErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        Hl7.Fhir.Model.Bundle bundle;
        try
        {
            bundle = SchedulingBundle.Export(problem.Problem, schedule);
        }
        catch (ValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"{SchedulePath}: {error}");
            }

            return SolverCommandLine.BadInput;
        }

        OutputFile.WriteAtomically("--out", OutPath, FhirJson.Serialize(bundle));
        console.MarkupLine(Markup.Escape($"wrote a transaction Bundle of {bundle.Entry.Count} resources to {OutPath}"));
        return SolverCommandLine.Success;
    }
}
