using System.Collections.Frozen;

namespace MedCoord.Engine.Billing;

/// <summary>
/// The closed code lists the written 837P and 270 draw their values from, so that a file never carries a code its guide
/// does not list. Thread safe.
/// </summary>
internal static class X12CodeLists
{
    /// <summary>
    /// Gets the CMS place-of-service codes (code source 237; 837P CLM05-1 and SV105): 01 pharmacy … 20 urgent care
    /// facility (10 telehealth in the patient's home), 21 to 27 (27 outreach site / street), 31 to 34, 41, 42, 49 to 58,
    /// 60 to 62, 65, 66, 71, 72, 81 independent laboratory and 99 other. The gaps (00, 28 to 30, 35 to 40, …) are
    /// unassigned.
    /// </summary>
    public static FrozenSet<string> PlacesOfService { get; } = Codes(
        "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 31 32 33 34 41 42 49 50 51 52 53 54 55 56 57 58 60 61 62 65 66 71 72 81 99");

    /// <summary>
    /// Gets the state codes of a US address (N402, code source 22): the 50 states, DC, the territories and freely associated
    /// states (AS, FM, GU, MH, MP, PR, PW, VI) and the armed forces' codes (AA, AE, AP). A claim's addresses are US
    /// addresses (their ZIP codes are 5 or 9 digits).
    /// </summary>
    public static FrozenSet<string> States { get; } = Codes(
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY " +
        "DC AS FM GU MH MP PR PW VI AA AE AP");

    /// <summary>
    /// Gets the service type codes a 005010X279A1 inquiry may ask about (270 EQ01): 1 medical care to 99 but 29 and 31,
    /// A0 to A9, AA to AR but AP, B1 to B3, BA to BZ but BO, C1, CA to CQ, DG, DM, DS, GF, GN, GY, IC, MH, NI, ON, PT, PU,
    /// RN, RT, TC, TN and UC (187 codes). Codes later versions added (E1 …, PE, SMH) are not on it.
    /// </summary>
    public static FrozenSet<string> ServiceTypes { get; } = Codes(
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 30 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 " +
        "50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 " +
        "A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF AG AH AI AJ AK AL AM AN AO AQ AR " +
        "B1 B2 B3 BA BB BC BD BE BF BG BH BI BJ BK BL BM BN BP BQ BR BS BT BU BV BW BX BY BZ " +
        "C1 CA CB CC CD CE CF CG CH CI CJ CK CL CM CN CO CP CQ DG DM DS GF GN GY IC MH NI ON PT PU RN RT TC TN UC");

    /// <summary>
    /// Gets the insurance type codes that say why Medicare is not the primary payer (837P SBR05 in loops 2000B and 2320):
    /// 12 working aged beneficiary or spouse with an employer group health plan, 13 end-stage renal disease beneficiary in
    /// the coordination period with an employer's group health plan, 14 no-fault insurance (auto included) is primary,
    /// 15 workers' compensation, 16 Public Health Service or other federal agency, 41 black lung, 42 Veterans
    /// Administration, 43 disabled beneficiary under 65 with a large group health plan, 47 other liability insurance is
    /// primary.
    /// </summary>
    public static IReadOnlyList<string> MedicareSecondaryTypes { get; } = ["12", "13", "14", "15", "16", "41", "42", "43", "47"];

    private static FrozenSet<string> Codes(string list) => list.Split(' ').ToFrozenSet(StringComparer.Ordinal);
}
