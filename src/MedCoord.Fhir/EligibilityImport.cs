using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using MedCoord.Scheduling.Validation;
using NodaTime.Text;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>
/// A payer's CoverageEligibilityResponse read as the engine reads a 271: one <see cref="EligibilityResponse"/> per
/// insurance entry, its benefits as the EB segments they stand for, so that <see cref="EligibilityResponse.ApplyTo"/>
/// turns it into the coverage's benefits by the same rules as a 271. An item's category codes (X12 service types, from
/// <c>https://x12.org/codes/service-type-codes</c> or <c>http://terminology.hl7.org/CodeSystem/ex-benefitcategory</c>)
/// are the service types, its network <c>in</c>/<c>out</c> and unit <c>individual</c>/<c>family</c> the EB12 and
/// EB02; the benefit types <c>deductible</c> (allowed: the calendar-year amount, used: met so far),
/// <c>out-of-pocket-maximum</c> (MedCoord's benefit-type code; the same two amounts), <c>copay</c> (allowed money) and
/// <c>copay-percent</c> or <c>coinsurance-percent</c> (allowed percent) are read, others are not; an item with
/// <c>authorizationRequired</c> and a procedure code marks that procedure as needing a prior authorisation;
/// <c>inforce</c> says active or inactive; each error is a rejection with its code; an <c>excluded</c> item adds nothing;
/// only an <c>active</c> response is read. docs/fhir.md has the table. Thread safe (no state).
/// </summary>
public static class EligibilityImport
{
    private const string BenefitCategory = "http://terminology.hl7.org/CodeSystem/ex-benefitcategory";

    /// <summary>The answers of every CoverageEligibilityResponse of a bundle.</summary>
    /// <param name="bundle">A bundle holding CoverageEligibilityResponses and the Coverages and Organizations they reference.</param>
    /// <returns>The answers, or every problem.</returns>
    public static FhirImport<EligibilityResponse> Read(R4.Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var lookup = new ResourceLookup(bundle);
        var errors = new List<ValidationError>();
        var answers = new List<EligibilityResponse>();
        var entries = bundle.Entry;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Resource is R4.CoverageEligibilityResponse response)
            {
                answers.AddRange(Answers(response, lookup, i, $"entry[{i}].resource.", errors));
            }
        }

        if (answers.Count == 0 && errors.Count == 0)
        {
            errors.Add(new ValidationError("entry", "the bundle holds no CoverageEligibilityResponse"));
        }

        return errors.Count > 0 ? new([], errors) : new(answers, []);
    }

    /// <summary>The answers of one response (its coverage and insurer by identifier, or contained).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The answers, or every problem.</returns>
    public static FhirImport<EligibilityResponse> Read(R4.CoverageEligibilityResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var errors = new List<ValidationError>();
        var answers = Answers(response, new ResourceLookup(null), 0, string.Empty, errors);
        return errors.Count > 0 ? new([], errors) : new(answers, []);
    }

    private static List<EligibilityResponse> Answers(R4.CoverageEligibilityResponse response, ResourceLookup lookup, int position, string path, List<ValidationError> errors)
    {
        var name = $"CoverageEligibilityResponse '{response.Identifier.FirstOrDefault()?.Value ?? response.Id}'";
        var payer = lookup.IdOf(response.Insurer, response, Fhir.IdSystem("payer"));
        if (payer is null)
        {
            errors.Add(new ValidationError(path + "insurer", $"{name} names no payer (an identifier of its insurer)"));
        }

        if (response.Outcome is null)
        {
            errors.Add(new ValidationError(path + "outcome", $"{name} has no outcome"));
        }

        if (response.Status != R4.FinancialResourceStatusCodes.Active)
        {
            errors.Add(new ValidationError(path + "status", $"{name}: only an active response is an answer, found {(response.Status is { } status ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(status) : "none")}"));
        }

        var rejections = response.Error.Select((e, k) => e.Code?.Coding.FirstOrDefault() is { Code: { Length: > 0 } code } coding
            ? new EligibilityRejection(position, $"error[{k}]", code, string.Empty, coding.Display ?? e.Code.Text ?? code)
            : null).ToList();
        for (var k = 0; k < rejections.Count; k++)
        {
            if (rejections[k] is null)
            {
                errors.Add(new ValidationError($"{path}error[{k}].code", $"{name}: an error without a code"));
            }
        }

        if (response.Insurance.Count == 0 && response.Error.Count == 0)
        {
            errors.Add(new ValidationError(path + "insurance", $"{name} has neither insurance nor an error: it answers nothing"));
        }

        var answers = new List<EligibilityResponse>();
        var rejected = rejections.OfType<EligibilityRejection>().ToList();
        if (response.Insurance.Count == 0)
        {
            answers.Add(new EligibilityResponse(position, string.Empty, payer ?? string.Empty, false, null, null, [], rejected));
        }

        for (var j = 0; j < response.Insurance.Count; j++)
        {
            var insurance = response.Insurance[j];
            var insurancePath = $"{path}insurance[{j}].";
            var coverage = lookup.IdOf(insurance.Coverage, response, Fhir.IdSystem("coverage"));
            if (coverage is null)
            {
                errors.Add(new ValidationError(insurancePath + "coverage", $"{name}: insurance {j + 1} names no coverage"));
            }

            var benefits = new List<BenefitEntry>();
            if (insurance.Inforce is { } inforce)
            {
                benefits.Add(new BenefitEntry(position, inforce ? "1" : "6", string.Empty, [], string.Empty, null, null, null, string.Empty, string.Empty));
            }

            // An excluded item lists what the coverage does not cover: none of its benefits apply.
            for (var k = 0; k < insurance.Item.Count; k++)
            {
                if (insurance.Item[k].Excluded != true)
                {
                    benefits.AddRange(Item(insurance.Item[k], position, $"{insurancePath}item[{k}].", name, errors));
                }
            }

            answers.Add(new EligibilityResponse(position, coverage ?? string.Empty, payer ?? string.Empty, false,
                Date(insurance.BenefitPeriod?.Start, insurancePath + "benefitPeriod.start", name, errors),
                Date(insurance.BenefitPeriod?.End, insurancePath + "benefitPeriod.end", name, errors), benefits, rejected));
        }

        // The callers keep no answer of a bundle or response with errors.
        return answers;
    }

    private static IEnumerable<BenefitEntry> Item(R4.CoverageEligibilityResponse.ItemsComponent item, int position, string path, string name, List<ValidationError> errors)
    {
        var types = item.Category?.Coding.Where(c => c.System is EligibilityBundle.ServiceTypeSystem or BenefitCategory && c.Code is { Length: > 0 }).Select(c => c.Code!).ToList() ?? [];
        var network = item.Network?.Coding.FirstOrDefault()?.Code switch
        {
            "in" => "Y",
            "out" => "N",
            _ => string.Empty,
        };
        var level = item.Unit?.Coding.FirstOrDefault()?.Code switch
        {
            "individual" => "IND",
            "family" => "FAM",
            _ => string.Empty,
        };
        var procedure = item.ProductOrService?.Coding.FirstOrDefault(c => c.Code is { Length: > 0 })?.Code ?? string.Empty;
        BenefitEntry Entry(string code, string period, decimal? amount, decimal? percent, IReadOnlyList<string> serviceTypes) =>
            new(position, code, level, serviceTypes, period, amount, percent, item.AuthorizationRequired, network, procedure);

        var entries = new List<BenefitEntry>();
        if (item.AuthorizationRequired == true && procedure.Length > 0)
        {
            entries.Add(Entry("CB", string.Empty, null, null, types));
        }

        for (var b = 0; b < item.Benefit.Count; b++)
        {
            var benefit = item.Benefit[b];
            var at = $"{path}benefit[{b}].";
            var codes = benefit.Type?.Coding.Select(c => c.Code).ToList() ?? [];
            if (codes.Contains("deductible") || codes.Contains("out-of-pocket-maximum"))
            {
                var code = codes.Contains("deductible") ? "C" : "G";
                if (Money(benefit.Allowed, at + "allowed", name, errors) is { } allowed)
                {
                    entries.Add(Entry(code, "23", allowed, null, types));
                }

                if (Money(benefit.Used, at + "used", name, errors) is { } used)
                {
                    entries.Add(Entry(code, "24", used, null, types));
                }
            }
            else if (codes.Contains("copay"))
            {
                // A copay may name the engine's own copay category beside the benefit type (as the engine's export writes it).
                var category = benefit.Type!.Coding.FirstOrDefault(c => c.System == Fhir.CodeSystem("service-category"))?.Code;
                if (Money(benefit.Allowed, at + "allowed", name, errors) is { } copay)
                {
                    entries.Add(Entry("B", "27", copay, null, category is null ? types : [category]));
                }
            }
            else if (codes.Contains("copay-percent") || codes.Contains("coinsurance-percent"))
            {
                if (benefit.Allowed is R4.UnsignedInt { Value: { } percent and <= 100 })
                {
                    entries.Add(Entry("A", string.Empty, null, percent, types));
                }
                else
                {
                    errors.Add(new ValidationError(at + "allowed", $"{name}: a percentage is an unsignedInt from 0 to 100"));
                }
            }
        }

        return entries;
    }

    private static decimal? Money(R4.DataType? value, string path, string name, List<ValidationError> errors)
    {
        switch (value)
        {
            case null:
                return null;
            case R4.Money { Value: { } amount } money when amount >= 0 && (money.Currency is null or R4.Money.Currencies.USD):
                return amount;
            default:
                errors.Add(new ValidationError(path, $"{name}: an amount is a non-negative Money in USD (the engine's claims are in USD)"));
                return null;
        }
    }

    private static NodaTime.LocalDate? Date(string? text, string path, string name, List<ValidationError> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length >= 10 && LocalDatePattern.Iso.Parse(text[..10]) is { Success: true } date)
        {
            return date.Value;
        }

        errors.Add(new ValidationError(path, $"{name}: not a full date"));
        return null;
    }
}
