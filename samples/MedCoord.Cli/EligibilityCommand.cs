using System.Globalization;
using System.Text.Json;
using MedCoord.Engine.Billing.X12;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord eligibility request COVERAGE.json --x12 OUT.270</c>: writes the 270 inquiry for a coverage and service
/// types. Bad input exits 2 with one line per problem (each naming its JSON path) and writes nothing.
/// </summary>
internal sealed record EligibilityRequestCommand(string RequestPath, string X12Path)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var outErrors = OutputFile.Check(("--x12", X12Path));
        var request = await InputFile.LoadAsync(RequestPath, "eligibility request file", bytes =>
        {
            var (parsed, errors) = EligibilityRequestFile.Parse(bytes);
            return (errors, parsed);
        }, nameFile: true, stderr);
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (request is null || outErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        // The file's creation time is the only clock reading: the console is the host.
        var x12 = EligibilityInquiryWriter.Write(request.Inquiry, request.Envelope, SystemClock.Instance.GetCurrentInstant().InUtc());
        OutputFile.WriteAtomically("--x12", X12Path, x12);
        console.MarkupLine(Markup.Escape($"270 written to {X12Path}: coverage {request.Inquiry.Coverage.Id}, service types {string.Join(" ", request.Inquiry.ServiceTypes)}, interchange {request.Envelope.ControlNumber:000000000}"));
        return SolverCommandLine.Success;
    }
}

/// <summary>
/// <c>medcoord eligibility read IN.271 [--out COVERAGE.json]</c>: reads a 271 and prints, per answer, whether coverage
/// is active, the benefits the engine keeps (deductible, out-of-pocket maximum, coinsurance, copays, services needing
/// a prior authorisation) and the AAA rejections by their codes; <c>--out</c> writes them as JSON, the benefits in the
/// claim file's shape. Bad input exits 2 naming the segment.
/// </summary>
internal sealed record EligibilityReadCommand(string InPath, string? OutPath)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var outErrors = OutputFile.Check(("--out", OutPath));
        var interchange = await X12Input.ReadAsync(InPath, stderr);
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (interchange is null || outErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        var (responses, errors) = EligibilityResponseReader.Read(interchange);
        if (await X12Input.RefuseAsync(InPath, errors, stderr))
        {
            return SolverCommandLine.BadInput;
        }

        static string? Date(LocalDate? d) => d is { } date ? LocalDatePattern.Iso.Format(date) : null;
        var file = new
        {
            FormatVersion = 1,
            Responses = responses.Select(r => (Response: r, Benefits: r.ToBenefits())).Select(x => new
            {
                x.Response.Trace,
                x.Response.PayerId,
                Dependent = x.Response.IsDependent,
                x.Response.Active,
                PlanBegin = Date(x.Response.PlanBegin),
                PlanEnd = Date(x.Response.PlanEnd),
                Rejections = x.Response.Rejections.Select(j => new { j.Loop, j.Code, j.FollowUp, j.Description }),
                x.Response.AuthorizationRequired,
                Benefits = new
                {
                    x.Benefits.Copays,
                    Deductible = new { x.Benefits.Deductible.Amount, x.Benefits.Deductible.Met },
                    x.Benefits.CoinsurancePercent,
                    OutOfPocketMaximum = new { x.Benefits.OutOfPocketMaximum.Amount, x.Benefits.OutOfPocketMaximum.Met },
                    x.Benefits.PriorAuthorization,
                },
                Entries = x.Response.Benefits.Select(b => new { b.Code, b.CoverageLevel, b.ServiceTypes, b.TimePeriod, b.Amount, b.Percent, b.AuthorizationRequired, b.Network, b.ProcedureCode }),
            }),
        };
        if (OutPath is not null)
        {
            OutputFile.WriteAtomically("--out", OutPath, JsonSerializer.Serialize(file, Json) + "\n");
        }

        foreach (var r in responses)
        {
            var b = r.ToBenefits();
            var who = $"{(r.Trace.Length > 0 ? $"coverage {r.Trace}" : "inquiry")}{(r.IsDependent ? " (dependent)" : string.Empty)}";
            var state = r.Active switch { true => "active", false => "inactive", null => "no coverage answer" };
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{who}: {state}; deductible {b.Deductible.Amount:0.00} ({b.Deductible.Remaining:0.00} left), out-of-pocket maximum {b.OutOfPocketMaximum.Amount:0.00} ({b.OutOfPocketMaximum.Remaining:0.00} left), coinsurance {b.CoinsurancePercent:0.##} %, copays {(b.Copays.Count == 0 ? "none" : string.Join(", ", b.Copays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value:0.00}")))}")));
            if (r.AuthorizationRequired.Count > 0)
            {
                console.MarkupLine(Markup.Escape($"  prior authorisation required: {string.Join(", ", r.AuthorizationRequired)}"));
            }

            foreach (var rejection in r.Rejections)
            {
                console.MarkupLine(Markup.Escape($"  rejected: {rejection}"));
            }
        }

        return SolverCommandLine.Success;
    }
}
