using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Engine.Billing.X12;

/// <summary>An eligibility request file's contents: the 270 envelope and the inquiry.</summary>
/// <param name="Envelope">Sender, receiver and control number.</param>
/// <param name="Inquiry">The inquiry.</param>
public sealed record EligibilityRequest(X12Envelope Envelope, EligibilityInquiry Inquiry);

/// <summary>
/// Reads the eligibility request file (<c>docs/claim-format.md</c>): JSON, camelCase, unknown fields refused, with the
/// envelope and coverage written as in a claim file, the provider asking (<c>provider</c>), the patient when not the
/// subscriber (<c>patient</c>), the service type codes (<c>serviceTypes</c>, default <c>["30"]</c>) and the date asked
/// about (<c>dateOfService</c>). A structural problem is reported with its JSON path. Thread safe.
/// </summary>
public static class EligibilityRequestFile
{
    /// <summary>Reads a request file's bytes (UTF-8, checked strictly).</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <returns>The request, or the problems (each naming its JSON path).</returns>
    public static (EligibilityRequest? Request, IReadOnlyList<ValidationError> Errors) Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (Utf8Text.Decode(utf8Json, out var error) is not { } json)
        {
            return (null, [new("$", error!)]);
        }

        var file = ClaimFile.Read<FileDto>(json, out var errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        if (file is null)
        {
            return (null, [new("$", "the file is empty (null)")]);
        }

        if (file.FormatVersion != 1)
        {
            return (null, [new("formatVersion", $"unsupported format version {file.FormatVersion}; only 1 is supported")]);
        }

        var coverage = file.Coverage.ToCoverage();
        var request = new EligibilityRequest(file.Envelope, new EligibilityInquiry(coverage, file.Patient ?? coverage.Subscriber, file.Provider, file.ServiceTypes ?? ["30"], file.DateOfService));
        return EligibilityInquiryWriter.Problems(request.Inquiry, request.Envelope) is { Count: > 0 } problems ? (null, problems) : (request, []);
    }

    private sealed record FileDto(
        int FormatVersion,
        X12Envelope Envelope,
        ClaimProvider Provider,
        ClaimFile.CoverageDto Coverage,
        LocalDate DateOfService,
        Person? Patient = null,
        IReadOnlyList<string>? ServiceTypes = null);
}
