package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"nesie.kz/nesie/internal/date"
)

// receiptDirection words a direction in both languages, from the client's side of view.
var receiptDirection = map[string]string{
	"sent":     "направлен клиенту / клиентке жіберілді",
	"received": "получен от клиента / клиенттен алынды",
}

// renderReceipt lays out a signed receipt for people, in Russian and Kazakh side by side in
// each line. The Kazakh wording needs a native speaker's review.
func renderReceipt(r Receipt, keyID string, js, sig []byte) ([]byte, error) {
	p, err := newPage(r.IssuedAt, clean(r.Number))
	if err != nil {
		return nil, err
	}
	p.footer = fmt.Sprintf("Подтверждение / Растау № %s · стр. / бет", clean(r.Number))
	p.text("B", titleSize, 6, "C", "Подтверждение отправки и получения электронных документов")
	p.text("B", titleSize, 6, "C", "Электрондық құжаттардың жіберілгенін және алынғанын растау")
	p.pdf.SetY(p.pdf.GetY() + 3)
	issued := r.IssuedAt.In(date.Almaty).Format("02.01.2006 15:04:05") + " (UTC+5)"
	p.row("Номер / Нөмірі", clean(r.Number))
	p.row("Выдано / Берілді", issued)
	p.row("МФО / МҚҰ", fmt.Sprintf("%s, БИН/БСН %s, %s", clean(r.MFO.Name), clean(r.MFO.BIN), clean(r.MFO.LegalAddress)))
	p.row("Клиент / Клиент", fmt.Sprintf("%s, ИИН/ЖСН %s", clean(r.ClientName), clean(r.ClientIIN)))
	p.row("Договор / Шарт", "№ "+clean(r.ContractNumber))
	p.pdf.SetY(p.pdf.GetY() + 3)
	p.text("B", headSize, 5.2, "L", "Документы / Құжаттар")
	for i, e := range r.Entries {
		at := e.At.In(date.Almaty).Format("02.01.2006 15:04:05.000") + " (UTC+5)"
		p.text("B", bodySize, 4.3, "L", fmt.Sprintf("%d. %s · %s", i+1, clean(e.Kind), clean(e.DocumentID)))
		p.text("", bodySize, 4.3, "L", fmt.Sprintf("%s · %s · %s байт", receiptDirection[e.Direction], at, strconv.FormatInt(e.Size, 10)))
		p.text("", bodySize, 4.3, "L", "SHA-256: "+hex.EncodeToString(e.SHA256[:]))
		p.pdf.SetY(p.pdf.GetY() + 1.5)
	}
	p.pdf.SetY(p.pdf.GetY() + 3)
	p.text("B", headSize, 5.2, "L", "Электронная подпись МФО / МҚҰ-ның электрондық қолтаңбасы")
	sum := sha256.Sum256(js)
	p.text("", bodySize, 4.3, "L", "Подписан текст JSON (SHA-256) / JSON мәтініне қол қойылды (SHA-256): "+hex.EncodeToString(sum[:]))
	p.text("", bodySize, 4.3, "L", "Ключ / Кілт: Ed25519 "+keyID)
	p.text("", bodySize, 4.3, "L", "Подпись / Қолтаңба: "+hex.EncodeToString(sig))
	p.text("", bodySize, 4.3, "L", "Подлинность проверяется по тексту JSON и подписи, а не по этому изображению. / Түпнұсқалығы осы бейне бойынша емес, JSON мәтіні мен қолтаңба бойынша тексеріледі.")
	return p.bytes()
}
