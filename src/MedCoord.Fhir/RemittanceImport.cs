using System.Text.RegularExpressions;
using MedCoord.Engine.Billing;
using MedCoord.Scheduling.Validation;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>One payment a payer's ExplanationOfBenefit reports, and the engine claim it belongs to.</summary>
/// <param name="ClaimId">The engine's claim id (the identifier of the Claim the EOB answers).</param>
/// <param name="Payment">The payment, as the engine keeps it on a claim.</param>
public sealed record RemittancePayment(string ClaimId, ClaimPayment Payment);

/// <summary>
/// Payers' ExplanationOfBenefit resources into the engine's payment records (<see cref="ClaimPayment"/>, what a claim
/// keeps for each remittance posted to it): the claim from EOB.claim, the trace from payment.identifier, the payer from
/// the insurer, the amounts from the adjudication categories submitted, eligible and benefit (and the patient's share,
/// copay and deductible), the adjustments from their X12 group and reason codes, the remark codes, and a line per item.
/// Posting them to claims stays with the engine's 835 path (<c>ClaimService.PostRemittancesAsync</c>); docs/fhir.md
/// lists what is not taken. Errors name paths and ids only. Thread safe (no state).
/// </summary>
public static partial class RemittanceImport
{
    internal const string AdjudicationSystem = "http://terminology.hl7.org/CodeSystem/adjudication";
    internal const string CarcSystem = "https://x12.org/codes/claim-adjustment-reason-codes";
    internal const string RarcSystem = "https://x12.org/codes/remittance-advice-remark-codes";

    /// <summary>The payments of every ExplanationOfBenefit of a bundle.</summary>
    /// <param name="bundle">A bundle holding ExplanationOfBenefits and the Claims and Organizations they reference.</param>
    /// <returns>The payments, or every problem.</returns>
    public static FhirImport<RemittancePayment> Read(R4.Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var lookup = new ResourceLookup(bundle);
        var errors = new List<ValidationError>();
        var payments = new List<RemittancePayment>();
        var entries = bundle.Entry;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Resource is R4.ExplanationOfBenefit eob && One(eob, lookup, $"entry[{i}].resource.", errors) is { } payment)
            {
                payments.Add(payment);
            }
        }

        if (payments.Count == 0 && errors.Count == 0)
        {
            errors.Add(new ValidationError("entry", "the bundle holds no ExplanationOfBenefit"));
        }

        return errors.Count > 0 ? new([], errors) : new(payments, []);
    }

    /// <summary>The payment of one ExplanationOfBenefit (its claim and insurer by identifier, or contained).</summary>
    /// <param name="eob">The explanation of benefit.</param>
    /// <returns>The payment, or every problem.</returns>
    public static FhirImport<RemittancePayment> Read(R4.ExplanationOfBenefit eob)
    {
        ArgumentNullException.ThrowIfNull(eob);
        var errors = new List<ValidationError>();
        var payment = One(eob, new ResourceLookup(null), string.Empty, errors);
        return payment is not null ? new([payment], []) : new([], errors);
    }

    private static RemittancePayment? One(R4.ExplanationOfBenefit eob, ResourceLookup lookup, string path, List<ValidationError> errors)
    {
        var before = errors.Count;
        var name = $"ExplanationOfBenefit '{eob.Identifier.FirstOrDefault()?.Value ?? eob.Id}'";
        var claimId = lookup.IdOf(eob.Claim, eob, Fhir.IdSystem("claim"));
        if (claimId is null)
        {
            errors.Add(new ValidationError(path + "claim", $"{name} names no claim the engine could know (an identifier of the Claim it answers)"));
        }

        var trace = eob.Payment?.Identifier?.Value ?? eob.Identifier.FirstOrDefault(i => i.System == Fhir.IdSystem("remittance-trace"))?.Value;
        if (trace is not { Length: > 0 })
        {
            errors.Add(new ValidationError(path + "payment.identifier", $"{name} has no payment identifier (the remittance's trace number)"));
        }

        var payer = lookup.IdOf(eob.Insurer, eob, Fhir.IdSystem("payer"));
        if (payer is null)
        {
            errors.Add(new ValidationError(path + "insurer", $"{name} names no payer (an identifier of its insurer)"));
        }

        if (eob.Outcome is null)
        {
            errors.Add(new ValidationError(path + "outcome", $"{name} has no outcome"));
        }

        var lines = new List<LinePayment>();
        for (var i = 0; i < eob.Item.Count; i++)
        {
            var item = eob.Item[i];
            var itemPath = $"{path}item[{i}].";
            var sequence = item.Sequence ?? 0;
            if (sequence < 1)
            {
                errors.Add(new ValidationError(itemPath + "sequence", $"{name}: item {i + 1} has no sequence (the claim's line)"));
            }

            var amounts = Amounts(item.Adjudication, itemPath + "adjudication", errors);
            lines.Add(new LinePayment(sequence, item.ProductOrService?.Coding.FirstOrDefault()?.Code ?? string.Empty, amounts.Charge, amounts.Paid, amounts.Allowed ?? amounts.Paid + amounts.Patient,
                amounts.Patient, amounts.Adjustments, amounts.Remarks));
        }

        var header = Amounts(eob.Adjudication, path + "adjudication", errors);
        decimal? Total(string code) => eob.Total.FirstOrDefault(t => t.Category?.Coding.Any(c => c.System == AdjudicationSystem && c.Code == code) == true)?.Amount?.Value;
        var patientTotal = eob.Total.FirstOrDefault(t => t.Category?.Coding.Any(c => c.System == Fhir.CodeSystem("adjudication-amount") && c.Code == "patient-responsibility") == true)?.Amount?.Value;
        var copay = Total("copay");
        var deductible = Total("deductible");
        var charge = Total("submitted") ?? lines.Sum(l => l.Charge) + header.Charge;
        var paid = eob.Payment?.Amount?.Value ?? Total("benefit") ?? lines.Sum(l => l.Paid) + header.Paid;
        var patient = patientTotal ?? (copay is null && deductible is null ? lines.Sum(l => l.PatientResponsibility) + header.Patient : (copay ?? 0) + (deductible ?? 0));
        var allowed = Total("eligible") ?? (lines.Count > 0 ? lines.Sum(l => l.Allowed) : header.Allowed ?? paid + patient);
        var status = eob.Disposition is { } disposition && StatusCodeText().Match(disposition) is { Success: true } match
            ? match.Groups[1].Value
            : eob.Outcome == R4.ClaimProcessingCodes.Error || (paid == 0 && eob.Outcome != R4.ClaimProcessingCodes.Partial) ? "4" : "1";
        var payerClaimNumber = eob.Identifier.FirstOrDefault(i => i.System == Fhir.IdSystem("payer-claim-number"))?.Value
            ?? eob.Identifier.FirstOrDefault(i => i.System != Fhir.IdSystem("remittance-trace") && i.Value is { Length: > 0 })?.Value ?? string.Empty;
        LocalDateOrNull(eob.Payment?.Date, path + "payment.date", errors, out var date);
        return errors.Count > before
            ? null
            : new RemittancePayment(claimId!, new ClaimPayment(trace!, payer!, status, payerClaimNumber, charge, paid, allowed, patient, header.Adjustments, header.Remarks, lines, date));
    }

    private static (decimal Charge, decimal Paid, decimal? Allowed, decimal Patient, List<ClaimAdjustment> Adjustments, List<string> Remarks) Amounts(
        List<R4.ExplanationOfBenefit.AdjudicationComponent> adjudications, string path, List<ValidationError> errors)
    {
        decimal? Of(string system, string code) => adjudications.FirstOrDefault(a => a.Category?.Coding.Any(c => c.System == system && c.Code == code) == true)?.Amount?.Value;
        var adjustments = new List<ClaimAdjustment>();
        var remarks = new List<string>();
        for (var i = 0; i < adjudications.Count; i++)
        {
            var a = adjudications[i];
            if (a.Reason?.Coding.FirstOrDefault(c => c.System == RarcSystem)?.Code is { } remark)
            {
                remarks.Add(remark);
            }
            else if (a.Category?.Coding.FirstOrDefault(c => c.System == Fhir.CodeSystem("claim-adjustment-group"))?.Code is { } group)
            {
                var reason = a.Reason?.Coding.FirstOrDefault(c => c.System == CarcSystem)?.Code;
                var amount = a.Amount?.Value;
                if (reason is null || amount is null)
                {
                    errors.Add(new ValidationError($"{path}[{i}]", $"an adjustment of group {group} needs a reason code ({CarcSystem}) and an amount"));
                    continue;
                }

                adjustments.Add(new ClaimAdjustment(group, reason, amount.Value));
            }
        }

        var patient = Of(Fhir.CodeSystem("adjudication-amount"), "patient-responsibility")
            ?? (adjustments.Any(a => a.Group == "PR") ? adjustments.Where(a => a.Group == "PR").Sum(a => a.Amount) : (Of(AdjudicationSystem, "copay") ?? 0) + (Of(AdjudicationSystem, "deductible") ?? 0));
        return (Of(AdjudicationSystem, "submitted") ?? 0, Of(AdjudicationSystem, "benefit") ?? 0, Of(AdjudicationSystem, "eligible"), patient, adjustments, remarks);
    }

    private static void LocalDateOrNull(string? text, string path, List<ValidationError> errors, out NodaTime.LocalDate? date)
    {
        date = null;
        if (text is null)
        {
            return;
        }

        var parsed = NodaTime.Text.LocalDatePattern.Iso.Parse(text);
        if (parsed.Success)
        {
            date = parsed.Value;
        }
        else
        {
            errors.Add(new ValidationError(path, $"'{text}' is not a date (YYYY-MM-DD)"));
        }
    }

    [GeneratedRegex(@"^claim status code ([0-9A-Za-z]{1,2})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex StatusCodeText();
}
