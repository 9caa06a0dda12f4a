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
/// is active, the benefits the payer stated (deductible, out-of-pocket maximum, coinsurance, copays, services needing
/// a prior authorisation; "not stated" for what it did not say), the AAA rejections by their codes and a warning for
/// each amount left or met above its amount; <c>--out</c> writes them as JSON, the benefits in the claim file's shape
/// with <c>remaining</c> added and null for every amount not stated. Bad input exits 2 naming the segment.
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
        var answers = responses.Select(r => (Response: r, Stated: r.Stated())).ToList();
        var file = new
        {
            FormatVersion = 1,
            Responses = answers.Select(x => new
            {
                x.Response.Trace,
                x.Response.PayerId,
                Dependent = x.Response.IsDependent,
                x.Response.Active,
                PlanBegin = Date(x.Response.PlanBegin),
                PlanEnd = Date(x.Response.PlanEnd),
                Rejections = x.Response.Rejections.Select(j => new { j.Loop, j.Code, j.FollowUp, j.Description }),
                x.Response.AuthorizationRequired,

                // What the payer stated, each amount it did not state null (never a 0 it did not say).
                Benefits = new
                {
                    x.Stated.Copays,
                    x.Stated.Deductible,
                    x.Stated.CoinsurancePercent,
                    x.Stated.OutOfPocketMaximum,
                    x.Stated.PriorAuthorization,
                },
                x.Stated.Warnings,
                Entries = x.Response.Benefits.Select(b => new { b.Code, b.CoverageLevel, b.ServiceTypes, b.TimePeriod, b.Amount, b.Percent, b.AuthorizationRequired, b.Network, b.ProcedureCode }),
            }),
        };
        if (OutPath is not null)
        {
            OutputFile.WriteAtomically("--out", OutPath, JsonSerializer.Serialize(file, Json) + "\n");
        }

        foreach (var (r, b) in answers)
        {
            var who = $"{(r.Trace.Length > 0 ? $"coverage {r.Trace}" : "inquiry")}{(r.IsDependent ? " (dependent)" : string.Empty)}";
            var state = r.Active switch { true => "active", false => "inactive", null => "no coverage answer" };
            var copays = b.Copays.Count == 0 ? "none stated" : string.Join(", ", b.Copays.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {Money(c.Value)}"));
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{who}: {state}; deductible {Describe(b.Deductible)}, out-of-pocket maximum {Describe(b.OutOfPocketMaximum)}, coinsurance {(b.CoinsurancePercent is { } percent ? $"{percent:0.##} %" : "not stated")}, copays {copays}")));
            if (r.AuthorizationRequired.Count > 0)
            {
                console.MarkupLine(Markup.Escape($"  prior authorisation required: {string.Join(", ", r.AuthorizationRequired)}"));
            }

            foreach (var rejection in r.Rejections)
            {
                console.MarkupLine(Markup.Escape($"  rejected: {rejection}"));
            }

            foreach (var warning in b.Warnings)
            {
                console.MarkupLine(Markup.Escape($"  warning: {warning}"));
            }
        }

        return SolverCommandLine.Success;
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>An accumulator as stated: <c>1000.00 (150.00 left)</c>, <c>not stated (150.00 left)</c>, <c>1000.00 (left not stated)</c>, <c>not stated</c>.</summary>
    private static string Describe(StatedAccumulator stated)
    {
        var amount = stated.Amount is { } a ? Money(a) : "not stated";
        var detail = stated.Remaining is { } left ? $"{Money(left)} left" : stated.Met is { } met ? $"{Money(met)} met" : stated.Amount is null ? null : "left not stated";
        return detail is null ? amount : $"{amount} ({detail})";
    }
}
