using NodaTime;

namespace MedCoord.Engine.Billing;

/// <summary>One adjustment: a CAS group and its claim adjustment reason code (CARC).</summary>
/// <param name="Group">CO contractual, OA other, PI payer initiated, PR patient responsibility.</param>
/// <param name="Reason">The claim adjustment reason code (for example 45, 1, 2, 3).</param>
/// <param name="Amount">The amount taken off (negative puts money back).</param>
public sealed record ClaimAdjustment(string Group, string Reason, decimal Amount);

/// <summary>What a remittance paid on one service line of a claim.</summary>
/// <param name="Line">The claim's line, 1-based.</param>
/// <param name="ProcedureCode">The procedure paid (it may differ from the one billed).</param>
/// <param name="Charge">The charge the payer saw.</param>
/// <param name="Paid">What the payer paid.</param>
/// <param name="Allowed">The allowed amount (AMT*B6, or what was paid plus the patient's share when not sent).</param>
/// <param name="PatientResponsibility">The patient's share (the PR adjustments).</param>
/// <param name="Adjustments">Every adjustment of the line.</param>
/// <param name="RemarkCodes">Remittance advice remark codes (RARC).</param>
public sealed record LinePayment(
    int Line,
    string ProcedureCode,
    decimal Charge,
    decimal Paid,
    decimal Allowed,
    decimal PatientResponsibility,
    IReadOnlyList<ClaimAdjustment> Adjustments,
    IReadOnlyList<string> RemarkCodes);

/// <summary>One payment posted to a claim from an 835; a claim keeps every one, so a remittance is never posted twice.</summary>
/// <param name="Trace">The remittance's trace number (TRN02).</param>
/// <param name="PayerId">The payer (TRN03).</param>
/// <param name="StatusCode">CLP02, the payer's claim status code.</param>
/// <param name="PayerClaimNumber">CLP07, the payer's claim control number.</param>
/// <param name="Charge">CLP03.</param>
/// <param name="Paid">CLP04.</param>
/// <param name="Allowed">The allowed amount: the lines' allowed amounts, or AMT*AU, or what was paid plus the patient's share.</param>
/// <param name="PatientResponsibility">CLP05 (the patient's share).</param>
/// <param name="Adjustments">The claim-level adjustments (the lines carry their own).</param>
/// <param name="RemarkCodes">Claim-level remark codes (MOA).</param>
/// <param name="Lines">The lines paid.</param>
/// <param name="PaymentDate">BPR16, when given.</param>
public sealed record ClaimPayment(
    string Trace,
    string PayerId,
    string StatusCode,
    string PayerClaimNumber,
    decimal Charge,
    decimal Paid,
    decimal Allowed,
    decimal PatientResponsibility,
    IReadOnlyList<ClaimAdjustment> Adjustments,
    IReadOnlyList<string> RemarkCodes,
    IReadOnlyList<LinePayment> Lines,
    LocalDate? PaymentDate);
