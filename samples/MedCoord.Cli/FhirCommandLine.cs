using System.CommandLine;

namespace MedCoord.Cli;

/// <summary>
/// The definition of <c>medcoord fhir export|import</c>: a problem (and its schedule) as a FHIR R4 transaction Bundle
/// (<see cref="FhirExportCommand"/>) and a Bundle read back as a problem file (<see cref="FhirImportCommand"/>).
/// </summary>
internal static class FhirCommandLine
{
    public static Command Define(CommandTable table)
    {
        var exportProblem = SharedOptions.Problem();
        var exportSchedule = new Option<string?>("--schedule") { Description = "A schedule of the problem (a schedule file): its assignments become booked Appointments, its unscheduled requests waitlisted ones." };
        var exportOut = SharedOptions.RequiredOut("Write the FHIR R4 transaction Bundle here.");
        var export = table.Add(
            new Command("export", "Write a problem (and optionally its schedule) as a FHIR R4 transaction Bundle (docs/fhir.md).") { exportProblem, exportSchedule, exportOut },
            (parse, console, stderr, _) => new FhirExportCommand(parse.GetValue(exportProblem)!, parse.GetValue(exportSchedule), parse.GetValue(exportOut)!).RunAsync(console, stderr));

        var importBundle = new Argument<string>("bundle") { Description = "The FHIR R4 Bundle (JSON) holding the problem's resources." };
        var importOut = SharedOptions.RequiredOut("Write the problem file (format v1) here.");
        var import = table.Add(
            new Command("import", "Read a FHIR R4 Bundle as a problem file; each fault is printed with its resource and FHIRPath.") { importBundle, importOut },
            (parse, console, stderr, _) => new FhirImportCommand(parse.GetValue(importBundle)!, parse.GetValue(importOut)!).RunAsync(console, stderr));
        var profilesOut = SharedOptions.RequiredOut("An existing directory: one StructureDefinition JSON file per extension is written into it.");
        var profiles = table.Add(
            new Command("profiles", "Write the StructureDefinition of every MedCoord FHIR extension (docs/fhir.md).") { profilesOut },
            (parse, console, stderr, _) => new FhirProfilesCommand(parse.GetValue(profilesOut)!).RunAsync(console, stderr));
        return new Command("fhir", "FHIR R4: scheduling problems and schedules as Bundles, and back; engine records as a Bundle, and an EHR's records in.") { export, import, FhirEngineCommandLine.Define(table), FhirEngineCommandLine.DefineRecords(table), profiles };
    }
}
