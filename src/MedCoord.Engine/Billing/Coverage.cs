using System.Text.Json.Serialization;
using NodaTime;

namespace MedCoord.Engine.Billing;

/// <summary>How the patient is related to the subscriber (X12 individual relationship codes in brackets).</summary>
public enum SubscriberRelationship
{
    /// <summary>The patient is the subscriber (18).</summary>
    Self,

    /// <summary>Spouse (01).</summary>
    Spouse,

    /// <summary>Child (19).</summary>
    Child,

    /// <summary>Any other relationship (G8).</summary>
    Other,
}

/// <summary>A person on a claim or a policy. Identifying data: never logged.</summary>
/// <param name="Id">Opaque id.</param>
/// <param name="LastName">Family name.</param>
/// <param name="FirstName">Given name.</param>
/// <param name="BirthDate">Date of birth.</param>
/// <param name="Sex">"F", "M" or "U" (X12 gender code).</param>
/// <param name="Address">Postal address.</param>
public sealed record Person(string Id, string LastName, string FirstName, LocalDate BirthDate, string Sex, Address Address);

/// <summary>A postal address.</summary>
/// <param name="Line1">Street (the 837P's N301).</param>
/// <param name="City">City.</param>
/// <param name="State">Two-letter state or province code.</param>
/// <param name="PostalCode">Postal code (ZIP: 5 or 9 digits).</param>
/// <param name="Line2">
/// The second street line — suite, apartment, floor (N302, FHIR <c>Address.line[1]</c>); null when there is none. The
/// store writes it only when it is there, so records kept before it existed read and write the same.
/// </param>
public sealed record Address(
    string Line1,
    string City,
    string State,
    string PostalCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Line2 = null);

/// <summary>An amount and how much of it is used up so far this benefit period.</summary>
/// <param name="Amount">The amount.</param>
/// <param name="Met">Used so far.</param>
public sealed record Accumulator(decimal Amount, decimal Met)
{
    /// <summary>Gets what is left (never below zero).</summary>
    public decimal Remaining => Math.Max(0, Amount - Met);
}

/// <summary>A prior authorisation on file.</summary>
/// <param name="Number">The payer's authorisation number.</param>
/// <param name="ProcedureCode">The service it covers.</param>
/// <param name="From">First date of service it covers.</param>
/// <param name="To">Last date of service it covers.</param>
public sealed record Authorization(string Number, string ProcedureCode, LocalDate From, LocalDate To);

/// <summary>What the plan pays and the patient owes.</summary>
/// <param name="Copays">Copay per service category (for example <c>office-visit</c>, <c>specialist</c>, <c>lab</c>).</param>
/// <param name="Deductible">The deductible and how much is met.</param>
/// <param name="CoinsurancePercent">The patient's share after the deductible, 0 to 100.</param>
/// <param name="OutOfPocketMaximum">The out-of-pocket maximum and how much is met.</param>
/// <param name="PriorAuthorization">Procedure codes that need a prior authorisation.</param>
/// <param name="CopayCountsTowardDeductible">Whether copays paid reduce the deductible left.</param>
/// <param name="CopayCountsTowardOutOfPocket">Whether copays count toward (and are capped by) the out-of-pocket maximum.</param>
public sealed record Benefits(
    IReadOnlyDictionary<string, decimal> Copays,
    Accumulator Deductible,
    decimal CoinsurancePercent,
    Accumulator OutOfPocketMaximum,
    IReadOnlyList<string> PriorAuthorization,
    bool CopayCountsTowardDeductible = false,
    bool CopayCountsTowardOutOfPocket = true);

/// <summary>A patient's insurance coverage.</summary>
/// <param name="Id">Opaque coverage id.</param>
/// <param name="PayerId">The payer's id (X12 payer identifier).</param>
/// <param name="PayerName">The payer's name.</param>
/// <param name="PlanId">The plan (group) number.</param>
/// <param name="MemberId">The subscriber's member id.</param>
/// <param name="Subscriber">The subscriber.</param>
/// <param name="Relationship">How the patient is related to the subscriber.</param>
/// <param name="EffectiveFrom">First covered date.</param>
/// <param name="EffectiveTo">Last covered date; null while it runs.</param>
/// <param name="Benefits">The benefits.</param>
/// <param name="Authorizations">Prior authorisations on file.</param>
/// <param name="ClaimFilingIndicator">The kind of plan, as the 837P's claim filing indicator (SBR09): one of <see cref="ClaimFilingIndicators.All"/>, for example <c>CI</c> commercial insurance, <c>MB</c> Medicare Part B, <c>MC</c> Medicaid, <c>BL</c> Blue Cross/Blue Shield, <c>HM</c> HMO.</param>
/// <param name="MedicareSecondaryType">
/// Why Medicare is not the primary payer, as the 837P's insurance type code (2000B SBR05): <c>12</c> working aged
/// (employer group health plan), <c>13</c> end-stage renal disease in the coordination period, <c>14</c> no-fault or auto
/// insurance, <c>15</c> workers' compensation, <c>16</c> Public Health Service or another federal agency, <c>41</c> black
/// lung, <c>42</c> Veterans Administration, <c>43</c> disabled under 65 with a large group health plan, <c>47</c> other
/// liability insurance. Required exactly when this coverage is Medicare (claim filing indicator
/// <c>MA</c> or <c>MB</c>) and the claim is billed to it after an earlier payer; null otherwise.
/// </param>
public sealed record Coverage(
    string Id,
    string PayerId,
    string PayerName,
    string PlanId,
    string MemberId,
    Person Subscriber,
    SubscriberRelationship Relationship,
    LocalDate EffectiveFrom,
    LocalDate? EffectiveTo,
    Benefits Benefits,
    IReadOnlyList<Authorization> Authorizations,
    string ClaimFilingIndicator = "CI",
    string? MedicareSecondaryType = null);

/// <summary>The answer of an eligibility check.</summary>
public enum EligibilityStatus
{
    /// <summary>Covered on that date, nothing more needed.</summary>
    Active,

    /// <summary>Not covered on that date.</summary>
    Inactive,

    /// <summary>Covered, but a service needs a prior authorisation not on file.</summary>
    NeedsAuthorization,
}

/// <summary>An eligibility answer and why.</summary>
/// <param name="Status">The answer.</param>
/// <param name="Reason">Why, for a billing clerk.</param>
/// <param name="Unauthorized">Services that need an authorisation not on file.</param>
public sealed record Eligibility(EligibilityStatus Status, string Reason, IReadOnlyList<string> Unauthorized);

/// <summary>Eligibility checks. Thread safe.</summary>
public static class EligibilityCheck
{
    /// <summary>Whether the coverage is in force on a date of service for the services, and what authorisation is missing.</summary>
    /// <param name="coverage">The coverage.</param>
    /// <param name="dateOfService">The date of service.</param>
    /// <param name="procedureCodes">The services planned.</param>
    /// <returns>Active, inactive or needs authorisation, with the reason.</returns>
    public static Eligibility Check(Coverage coverage, LocalDate dateOfService, IEnumerable<string> procedureCodes)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        ArgumentNullException.ThrowIfNull(procedureCodes);
        if (dateOfService < coverage.EffectiveFrom)
        {
            return new(EligibilityStatus.Inactive, $"coverage {coverage.Id} starts after the date of service", []);
        }

        if (coverage.EffectiveTo is { } end && dateOfService > end)
        {
            return new(EligibilityStatus.Inactive, $"coverage {coverage.Id} ended before the date of service", []);
        }

        var missing = procedureCodes.Distinct(StringComparer.Ordinal)
            .Where(code => coverage.Benefits.PriorAuthorization.Contains(code, StringComparer.Ordinal)
                && !coverage.Authorizations.Any(a => a.ProcedureCode == code && a.From <= dateOfService && dateOfService <= a.To))
            .ToList();
        return missing.Count > 0
            ? new(EligibilityStatus.NeedsAuthorization, $"{string.Join(", ", missing)} need{(missing.Count == 1 ? "s" : string.Empty)} a prior authorisation, and none on file covers the date of service", missing)
            : new(EligibilityStatus.Active, $"coverage {coverage.Id} is in force on the date of service", []);
    }
}
