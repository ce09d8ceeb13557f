package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/loan"
	"nesie.kz/nesie/internal/merchant"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// Made-up accounts at the bank simulator (valid check digits): the test client's own, and one
// of somebody else.
const (
	clientIBAN  = "KZ98125KZT7004100301"
	foreignIBAN = "KZ71125KZT7004100302"
	// foreignOwnerIIN owns foreignIBAN: a made-up person with a valid check digit.
	foreignOwnerIIN = "010204600783"
)

// creditLineSpec is a consumer credit line: its amount is the limit, drawn in parts.
func creditLineSpec() product.Spec {
	s := product.DemoSpecs()[0]
	s.Code, s.NameRu, s.NameKk, s.CreditLine = "line-12", "Кредитная линия", "Кредиттік желі", true
	return s
}

// amlTestList is a made-up sanctions list in the CSV form: nobody on it is a real person.
const amlTestList = "full_name;birth_date;iin;ref\nЗапретов Злодей Запретович;1970-01-01;;TEST-1\n"

// newLoanWorld is a world with the MFO's products (proposed by one staff member, approved by
// another), partner merchants with accounts at the bank, an AML list, and the client's own
// bank account.
func newLoanWorld(t *testing.T, env *storetest.Env) *world {
	t.Helper()
	w := newWorld(t, env)
	ctx := context.Background()
	trail := audit.NewTrail(env.DB, nil)
	if _, err := org.EnsureDemo(ctx, env.DB, trail); err != nil {
		t.Fatal(err)
	}
	for _, spec := range append(product.DemoSpecs(), creditLineSpec()) {
		v, err := w.svc.Products.Propose(ctx, "staff-author", spec)
		if err != nil {
			t.Fatalf("propose %s: %v", spec.Code, err)
		}
		if _, err := w.svc.Products.Approve(ctx, v.ID, "staff-checker"); err != nil {
			t.Fatalf("approve %s: %v", spec.Code, err)
		}
	}
	for _, m := range merchant.DemoMerchants() {
		added, err := w.svc.Merchants.Add(ctx, "staff-author", m)
		if err != nil {
			t.Fatal(err)
		}
		w.sims.Bank.OpenAccount(added.BIN.String(), added.IBAN)
	}
	if _, err := w.svc.AML.Load(ctx, "staff-compliance", "afm-test", aml.FormatCSV, strings.NewReader(amlTestList)); err != nil {
		t.Fatal(err)
	}
	w.sims.Bank.OpenAccount(clientIIN, mustIBAN(t, clientIBAN))
	w.sims.Bank.OpenAccount(foreignOwnerIIN, mustIBAN(t, foreignIBAN))
	return w
}

func mustIBAN(t *testing.T, s string) kz.IBAN {
	t.Helper()
	i, err := kz.ParseIBAN(s)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// loanView is the loan answer, as much as the tests read.
type loanView struct {
	ID              string `json:"id"`
	Number          string `json:"number"`
	Status          string `json:"status"`
	StatusReason    string `json:"status_reason"`
	PayoutAccount   string `json:"payout_account"`
	AmountTiyn      int64  `json:"amount_tiyn"`
	Cooling         bool   `json:"cooling_off"`
	CoolingReason   string `json:"cooling_off_reason"`
	MoneyNotBefore  string `json:"money_not_before"`
	ConsentDeadline string `json:"consent_deadline"`
	Steps           []struct {
		Name   string `json:"name"`
		Passed bool   `json:"passed"`
	} `json:"steps"`
}

type offerView struct {
	Method          string `json:"method"`
	GESV            string `json:"gesv_percent"`
	OverpaymentTiyn int64  `json:"overpayment_tiyn"`
	Rows            []struct {
		PaymentTiyn int64 `json:"payment_tiyn"`
	} `json:"rows"`
	Charges []struct {
		Code string `json:"code"`
	} `json:"charges"`
}

// apply applies for product at amount ₸ over term and returns the draft loan and its offers.
func (w *world) apply(t *testing.T, token, productCode string, amountTenge int64, term int) (loanView, []offerView) {
	t.Helper()
	var out struct {
		Loan   loanView    `json:"loan"`
		Offers []offerView `json:"offers"`
	}
	w.call(t, "POST", "/api/v1/loans", token, map[string]any{
		"product": productCode, "amount_tiyn": amountTenge * 100, "term": term, "purpose": "ремонт квартиры",
		"monthly_income_tiyn": 60_000_000, "rules_version": loan.LendingRules().Version, "rights_version": loan.Rights().Version,
	}).decode(t, http.StatusCreated, &out)
	return out.Loan, out.Offers
}

// approved applies, chooses the payout and submits; the loan must come back offered.
func (w *world) approved(t *testing.T, token, productCode string, amountTenge int64, term int, payout map[string]any) loanView {
	t.Helper()
	l, _ := w.apply(t, token, productCode, amountTenge, term)
	w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", token, payout).decode(t, http.StatusOK, &l)
	w.call(t, "POST", "/api/v1/loans/"+l.ID+"/submit", token, nil).decode(t, http.StatusOK, &l)
	if l.Status != "offered" {
		t.Fatalf("submitted loan is %s (%s), want offered", l.Status, l.StatusReason)
	}
	return l
}

var toOwnAccount = map[string]any{"kind": "account", "iban": clientIBAN}

// biometricCheck identifies the signed-in client (iin) with the provider and returns the id
// of the passed check.
func (w *world) biometricCheck(t *testing.T, token, iin string) string {
	t.Helper()
	var s bioSession
	w.call(t, "POST", "/api/v1/biometric", token, nil).decode(t, http.StatusCreated, &s)
	w.perform(t, s.ProviderSessionID, s.Movements, w.face(t, iin))
	var c struct {
		ID     string `json:"biometric_check_id"`
		Passed bool   `json:"passed"`
	}
	w.call(t, "POST", "/api/v1/biometric/"+s.BiometricSessionID+"/complete", token, nil).decode(t, http.StatusOK, &c)
	if !c.Passed {
		t.Fatal("biometric check did not pass")
	}
	return c.ID
}

// contract downloads the contract copy in lang.
func (w *world) contract(t *testing.T, token, id, lang string) []byte {
	t.Helper()
	a := w.call(t, "GET", "/api/v1/loans/"+id+"/contract?lang="+lang, token, nil)
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("contract: %d %s", a.status, a.body)
	}
	return a.body
}

// signLoan signs the Russian copy with biometrics and the client's EDS.
func (w *world) signLoan(t *testing.T, token, id string) loanView {
	t.Helper()
	pdf := w.contract(t, token, id, "ru")
	var l loanView
	w.call(t, "POST", "/api/v1/loans/"+id+"/sign", token, map[string]any{
		"lang": "ru", "biometric_check_id": w.biometricCheck(t, token, clientIIN), "signature": w.signAs(t, clientSigner, pdf),
	}).decode(t, http.StatusOK, &l)
	return l
}

// consentWithCode gives the consent with biometrics and the one-time password from the phone.
func (w *world) consentWithCode(t *testing.T, token, id string) answer {
	t.Helper()
	var cc struct {
		CodeID string `json:"code_id"`
	}
	w.call(t, "POST", "/api/v1/loans/"+id+"/consent-code", token, nil).decode(t, http.StatusCreated, &cc)
	return w.call(t, "POST", "/api/v1/loans/"+id+"/consent", token, map[string]any{
		"biometric_check_id": w.biometricCheck(t, token, clientIIN), "code_id": cc.CodeID, "code": w.lastCode(t, clientPhone),
	})
}

// loan reads the loan as the client sees it.
func (w *world) loan(t *testing.T, token, id string) loanView {
	t.Helper()
	var l loanView
	w.call(t, "GET", "/api/v1/loans/"+id, token, nil).decode(t, http.StatusOK, &l)
	return l
}

// pay runs the payout worker once, as the background loop would.
func (w *world) pay(t *testing.T) {
	t.Helper()
	if _, err := w.svc.Payouts.RunOnce(context.Background()); err != nil {
		t.Fatalf("payouts: %v", err)
	}
}

// balance is what the bank simulator holds on iban.
func (w *world) balance(t *testing.T, iban string) money.Amount {
	t.Helper()
	return w.sims.Bank.Balance(mustIBAN(t, iban))
}

// statusOf reads a loan's status straight from the database.
func (w *world) statusOf(t *testing.T, id string) string {
	t.Helper()
	var s string
	if err := w.env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT status FROM loan WHERE id = $1`, id).Scan(&s)
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// wantField asserts a refusal of bad input naming field.
func (a answer) wantField(t *testing.T, field string) {
	t.Helper()
	if a.status != http.StatusBadRequest || a.field() != field {
		t.Fatalf("got %d %s, want 400 naming %q", a.status, a.body, field)
	}
}
